import { sql } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import type { ChannelRecord } from './channels/channel.ts';
import { openSecretsIfReadable, sealSecrets } from './channels/secrets.ts';
import type { ChannelKind, ChannelStatus } from './inbox.schema.ts';
import './inbox.schema.ts';

/** A channel as staff pages show it: no credentials, only whether each secret field is set. */
export interface ChannelSummary {
  id: number;
  kind: ChannelKind;
  name: string;
  settings: Record<string, unknown>;
  secretNames: string[];
  /** The credentials were sealed under another SECRET_KEY: staff must enter them again. */
  secretsUnreadable: boolean;
  enabled: boolean;
  status: ChannelStatus;
  lastError: string | null;
  failures: number;
  lastPolledAt: Date | null;
  lastReceivedAt: Date | null;
}

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The city's channels (not archived), for the channel pages and the inbox filters. */
export async function findChannels(db: Executor, organisationId: number, secretKey: string): Promise<ChannelSummary[]> {
  const rows = await db
    .selectFrom('inbox_channel')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows.map((row) => {
    const secrets = openSecretsIfReadable(secretKey, row.secrets);
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      settings: json(row.settings),
      secretNames: Object.keys(secrets ?? {}),
      secretsUnreadable: secrets === undefined,
      enabled: row.enabled,
      status: row.status,
      lastError: row.last_error,
      failures: row.failures,
      lastPolledAt: row.last_polled_at,
      lastReceivedAt: row.last_received_at,
    };
  });
}

/**
 * One channel with its credentials opened, for adapters. `kind` narrows webhook lookups. Credentials
 * sealed under another SECRET_KEY come back empty with `secretsUnreadable` (the pages say so; a webhook
 * is refused; entering them again seals them under the current key).
 */
export async function findChannelRecord(
  db: Executor,
  secretKey: string,
  organisationId: number | undefined,
  channelId: number,
  kind?: ChannelKind,
): Promise<(ChannelRecord & { enabled: boolean; secretsUnreadable: boolean }) | undefined> {
  let query = db.selectFrom('inbox_channel').selectAll().where('id', '=', channelId).where('archived_at', 'is', null);
  if (organisationId !== undefined) query = query.where('organisation_id', '=', organisationId);
  if (kind) query = query.where('kind', '=', kind);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const secrets = openSecretsIfReadable(secretKey, row.secrets);
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    name: row.name,
    settings: json(row.settings),
    secrets: secrets ?? {},
    secretsUnreadable: secrets === undefined,
    cursor: row.cursor === null ? null : json(row.cursor),
    enabled: row.enabled,
  };
}

/** Creates a channel; secrets are sealed before they reach the database. Returns its id. */
export async function insertChannel(
  db: Executor,
  secretKey: string,
  input: {
    organisationId: number;
    kind: ChannelKind;
    name: string;
    settings: Record<string, unknown>;
    secrets: Record<string, string>;
    enabled?: boolean;
  },
): Promise<number> {
  const row = await db
    .insertInto('inbox_channel')
    .values({
      organisation_id: input.organisationId,
      kind: input.kind,
      name: input.name,
      settings: JSON.stringify(input.settings),
      secrets: Object.keys(input.secrets).length > 0 ? sealSecrets(secretKey, input.secrets) : null,
      enabled: input.enabled ?? true,
      last_error: null,
      cursor: null,
      last_polled_at: null,
      last_received_at: null,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Changes a channel's name, settings and switch. Secrets given replace those of the same name; a
 * secret left out is kept (forms never show stored secrets, so an empty field means "unchanged").
 */
export async function updateChannel(
  db: Executor,
  secretKey: string,
  organisationId: number,
  channelId: number,
  change: { name?: string; settings?: Record<string, unknown>; secrets?: Record<string, string>; enabled?: boolean },
): Promise<void> {
  const current = await findChannelRecord(db, secretKey, organisationId, channelId);
  if (!current) return;
  const secrets = {
    ...current.secrets,
    ...Object.fromEntries(Object.entries(change.secrets ?? {}).filter(([, value]) => value !== '')),
  };
  await db
    .updateTable('inbox_channel')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.settings !== undefined ? { settings: JSON.stringify(change.settings) } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      secrets: Object.keys(secrets).length > 0 ? sealSecrets(secretKey, secrets) : null,
    })
    .where('id', '=', channelId)
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Archives a channel: its conversations stay, it receives and sends nothing more. */
export async function archiveChannel(db: Executor, organisationId: number, channelId: number): Promise<void> {
  await db
    .updateTable('inbox_channel')
    .set({ archived_at: new Date(), enabled: false })
    .where('id', '=', channelId)
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Enabled channels of the given kinds in every city, for the polling worker. */
export async function findPollableChannels(
  db: Db,
  kinds: ChannelKind[],
): Promise<Array<{ id: number; organisationId: number; kind: ChannelKind; lastPolledAt: Date | null }>> {
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom('inbox_channel')
    .select(['id', 'organisation_id', 'kind', 'last_polled_at'])
    .where('enabled', '=', true)
    .where('archived_at', 'is', null)
    .where('kind', 'in', kinds)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    lastPolledAt: row.last_polled_at,
  }));
}

/** Records a good contact with the channel (and the new cursor, in the same transaction as the messages). */
export async function markChannelOk(
  db: Executor,
  channelId: number,
  change: { cursor?: unknown; polled?: boolean; received?: boolean },
): Promise<void> {
  await db
    .updateTable('inbox_channel')
    .set({
      status: 'ok',
      last_error: null,
      failures: 0,
      ...(change.cursor !== undefined ? { cursor: JSON.stringify(change.cursor) } : {}),
      ...(change.polled ? { last_polled_at: new Date() } : {}),
      ...(change.received ? { last_received_at: new Date() } : {}),
    })
    .where('id', '=', channelId)
    .execute();
}

/** Records a failed contact; the message must hold no credentials (ChannelError messages don't). */
export async function markChannelFailing(db: Executor, channelId: number, error: string): Promise<void> {
  await db
    .updateTable('inbox_channel')
    .set({
      status: 'failing',
      last_error: error.slice(0, 500),
      failures: sql<number>`failures + 1`,
      last_polled_at: new Date(),
    })
    .where('id', '=', channelId)
    .execute();
}

/** The live channels of a city with their kind, by name (labels and filters of the listening pages). */
export async function findChannelLabels(db: Executor, organisationId: number) {
  return db
    .selectFrom('inbox_channel')
    .select(['id', 'name', 'kind'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('name')
    .execute();
}

/** How many times in a row a channel's polling has failed. */
export async function findChannelFailures(db: Executor, channelId: number): Promise<number> {
  const row = await db
    .selectFrom('inbox_channel')
    .select('failures')
    .where('id', '=', channelId)
    .executeTakeFirstOrThrow();
  return row.failures;
}

/** The enabled e-mail channels, in any city of the installation, whose address is this one. */
export async function findEmailChannelsByAddress(db: Executor, address: string) {
  return db
    .selectFrom('inbox_channel')
    .select(['id', 'organisation_id'])
    .where('kind', '=', 'email')
    .where('enabled', '=', true)
    .where('archived_at', 'is', null)
    .where(sql<string>`lower(settings->>'address')`, '=', address.trim().toLowerCase())
    .execute();
}

/** The city's live contact-form channel, if it has one. */
export async function findWebChannelId(db: Executor, organisationId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('inbox_channel')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'web')
    .where('archived_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

/**
 * The city's contact-form channel, created on first use: under a per-city advisory lock, so two
 * servers creating it at once make one.
 */
export async function findOrCreateWebChannel(db: Db, secretKey: string, organisationId: number): Promise<number> {
  const existing = await findWebChannelId(db, organisationId);
  if (existing !== undefined) return existing;
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('inbox.web-channel'), ${organisationId})`.execute(tx);
    const again = await findWebChannelId(tx, organisationId);
    if (again !== undefined) return again;
    return insertChannel(tx, secretKey, {
      organisationId,
      kind: 'web',
      name: 'Contact form',
      settings: {},
      secrets: {},
    });
  });
}

/**
 * The city's channel of a kind another module feeds (the fediverse), created on first use under a per-city
 * advisory lock, like the contact form's.
 */
export async function findOrCreateChannelOfKind(
  db: Db,
  secretKey: string,
  organisationId: number,
  kind: ChannelKind,
  name: string,
): Promise<number> {
  const find = (executor: Executor) =>
    executor
      .selectFrom('inbox_channel')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('kind', '=', kind)
      .where('archived_at', 'is', null)
      .orderBy('id')
      .executeTakeFirst();
  const existing = await find(db);
  if (existing) return existing.id;
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`inbox.channel.${kind}`}), ${organisationId})`.execute(tx);
    const again = await find(tx);
    if (again) return again.id;
    return insertChannel(tx, secretKey, { organisationId, kind, name, settings: {}, secrets: {} });
  });
}

/** Every channel with sealed credentials, archived ones too, of every city (for changing SECRET_KEY). */
export async function findSealedChannels(
  db: Executor,
): Promise<Array<{ id: number; organisationId: number; sealed: string }>> {
  const rows = await db
    .selectFrom('inbox_channel')
    .select(['id', 'organisation_id', 'secrets'])
    .where('secrets', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, organisationId: row.organisation_id, sealed: row.secrets as string }));
}

/** Replaces a channel's sealed credentials (sealed again under a new SECRET_KEY). */
export async function storeSealedSecrets(db: Executor, channelId: number, sealed: string | null): Promise<void> {
  await db.updateTable('inbox_channel').set({ secrets: sealed }).where('id', '=', channelId).execute();
}
