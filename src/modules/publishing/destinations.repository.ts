import type { Executor } from '../../platform/db/database.ts';
import './publishing.schema.ts';

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A destination as stored: credentials still sealed (or in the shared inbox channel). */
export interface DestinationRow {
  id: number;
  organisationId: number;
  kind: string;
  key: string;
  name: string;
  departmentId: number | null;
  inboxChannelId: number | null;
  settings: Record<string, unknown>;
  sealed: string | null;
  enabled: boolean;
}

type Row = {
  id: number;
  organisation_id: number;
  kind: string;
  key: string;
  name: string;
  department_id: number | null;
  inbox_channel_id: number | null;
  settings: Record<string, unknown> | string;
  secrets: string | null;
  enabled: boolean;
};

function toDestination(row: Row): DestinationRow {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    key: row.key,
    name: row.name,
    departmentId: row.department_id,
    inboxChannelId: row.inbox_channel_id,
    settings: json(row.settings),
    sealed: row.secrets,
    enabled: row.enabled,
  };
}

/** The city's destinations (not archived), by kind and name. */
export async function findDestinations(db: Executor, organisationId: number): Promise<DestinationRow[]> {
  const rows = await db
    .selectFrom('publishing_destination')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows.map(toDestination);
}

export async function findDestination(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<DestinationRow | undefined> {
  const row = await db
    .selectFrom('publishing_destination')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return row ? toDestination(row) : undefined;
}

export interface DestinationValues {
  kind: string;
  key: string;
  name: string;
  departmentId: number | null;
  inboxChannelId: number | null;
  settings: Record<string, unknown>;
  sealed: string | null;
  enabled: boolean;
}

export async function insertDestination(
  db: Executor,
  organisationId: number,
  values: DestinationValues,
): Promise<number> {
  const row = await db
    .insertInto('publishing_destination')
    .values({
      organisation_id: organisationId,
      kind: values.kind,
      key: values.key,
      name: values.name,
      department_id: values.departmentId,
      inbox_channel_id: values.inboxChannelId,
      settings: JSON.stringify(values.settings),
      secrets: values.sealed,
      enabled: values.enabled,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateDestination(
  db: Executor,
  organisationId: number,
  id: number,
  values: Omit<DestinationValues, 'kind' | 'key'>,
): Promise<void> {
  await db
    .updateTable('publishing_destination')
    .set({
      name: values.name,
      department_id: values.departmentId,
      inbox_channel_id: values.inboxChannelId,
      settings: JSON.stringify(values.settings),
      secrets: values.sealed,
      enabled: values.enabled,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function archiveDestination(db: Executor, organisationId: number, id: number): Promise<void> {
  await db
    .updateTable('publishing_destination')
    .set({ archived_at: new Date(), enabled: false })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

/** Creates or renames a destination a module keeps itself (built in); answers its id. */
export async function upsertBuiltInDestination(
  db: Executor,
  organisationId: number,
  kind: string,
  destination: { key: string; name: string; departmentId: number | null },
): Promise<void> {
  await db
    .insertInto('publishing_destination')
    .values({
      organisation_id: organisationId,
      kind,
      key: destination.key,
      name: destination.name,
      department_id: destination.departmentId,
    })
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'kind', 'key']).doUpdateSet({
        name: destination.name,
        department_id: destination.departmentId,
      }),
    )
    .execute();
}

/** Every destination with its own sealed credentials, for SECRET_KEY rotation. */
export async function findSealedDestinations(db: Executor): Promise<Array<{ id: number; sealed: string }>> {
  const rows = await db
    .selectFrom('publishing_destination')
    .select(['id', 'secrets'])
    .where('secrets', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.flatMap((row) => (row.secrets ? [{ id: row.id, sealed: row.secrets }] : []));
}

export async function storeSealedDestinationSecrets(db: Executor, id: number, sealed: string | null): Promise<void> {
  await db.updateTable('publishing_destination').set({ secrets: sealed }).where('id', '=', id).execute();
}
