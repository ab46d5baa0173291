import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { SecretKeyRotation } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { PublishingAdapter, PublishingDestination } from '../../platform/publishing.ts';
import { openSecretsIfReadable, sealSecrets } from '../../platform/sealed.ts';
import { findChannelRecord } from '../inbox/index.ts';
import {
  archiveDestination,
  findDestination,
  findDestinations,
  findSealedDestinations,
  insertDestination,
  storeSealedDestinationSecrets,
  updateDestination,
  upsertBuiltInDestination,
  type DestinationRow,
} from './destinations.repository.ts';
import { authorizePublishing } from './publishing.policy.ts';

/** The key derivation purpose of destinations' own credentials (platform/sealed.ts). */
export const DESTINATION_SECRETS = 'publishing destination secrets v1';

export function adapterFor(ctx: AppContext, kind: string): PublishingAdapter | undefined {
  return ctx.registry.publishingAdapters.find((adapter) => adapter.kind === kind);
}

/** A destination as adapters receive it: its credentials opened, or the shared inbox channel's. */
export async function openDestination(
  ctx: AppContext,
  db: Executor,
  row: DestinationRow,
): Promise<PublishingDestination & { secretsUnreadable: boolean }> {
  let secrets: Record<string, string> | undefined;
  if (row.inboxChannelId !== null) {
    const channel = await findChannelRecord(db, ctx.config.secretKey, row.organisationId, row.inboxChannelId);
    secrets = channel && !channel.secretsUnreadable ? channel.secrets : undefined;
  } else secrets = openSecretsIfReadable(ctx.config.secretKey, DESTINATION_SECRETS, row.sealed);
  return {
    id: row.id,
    organisationId: row.organisationId,
    kind: row.kind,
    key: row.key,
    name: row.name,
    departmentId: row.departmentId,
    settings: row.settings,
    secrets: secrets ?? {},
    secretsUnreadable: secrets === undefined,
  };
}

const refreshedAt = new Map<number, number>();

/** Creates and renames the destinations modules keep themselves (at most once a minute per city). */
export async function refreshBuiltInDestinations(
  ctx: AppContext,
  organisationId: number,
  force = false,
): Promise<void> {
  const last = refreshedAt.get(organisationId) ?? 0;
  if (!force && Date.now() - last < 60_000) return;
  refreshedAt.set(organisationId, Date.now());
  for (const adapter of ctx.registry.publishingAdapters) {
    if (!adapter.builtInDestinations) continue;
    for (const destination of await adapter.builtInDestinations(ctx, organisationId))
      await upsertBuiltInDestination(ctx.db, organisationId, adapter.kind, destination);
  }
}

/** Destinations as staff see them: never their credentials, only whether they can be opened. */
export async function listDestinations(ctx: AppContext, organisationId: number) {
  await refreshBuiltInDestinations(ctx, organisationId);
  const rows = await findDestinations(ctx.db, organisationId);
  return Promise.all(
    rows.map(async (row) => {
      const opened = await openDestination(ctx, ctx.db, row);
      return { ...row, secretNames: Object.keys(opened.secrets), secretsUnreadable: opened.secretsUnreadable };
    }),
  );
}

export interface DestinationInput {
  kind: string;
  name: string;
  departmentId: number | null;
  inboxChannelId: number | null;
  enabled: boolean;
  fields: Record<string, string>;
}

export type DestinationOutcome =
  { ok: true; id: number } | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, string> };

/**
 * Adds or changes a destination of an adapter with `fields`: settings stored as they are, secret fields
 * sealed (a secret field left empty keeps what was stored), or the account of an inbox channel of the
 * adapter's `sharesInboxAccount` kind.
 */
export async function saveDestination(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number | undefined,
  input: DestinationInput,
): Promise<DestinationOutcome> {
  authorizePublishing(viewer, 'configure');
  const existing = id === undefined ? undefined : await findDestination(ctx.db, organisation.id, id);
  if (id !== undefined && !existing) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
  const kind = existing?.kind ?? input.kind;
  const adapter = adapterFor(ctx, kind);
  if (!adapter?.fields) return { ok: false, code: 'VALIDATION_FAILED', fields: { kind: 'unknownKind' } };
  const fields: Record<string, string> = {};
  if (input.name.trim() === '') fields.name = 'required';
  if (input.inboxChannelId !== null) {
    const channel = adapter.sharesInboxAccount
      ? await findChannelRecord(ctx.db, ctx.config.secretKey, organisation.id, input.inboxChannelId)
      : undefined;
    if (!channel || channel.kind !== adapter.sharesInboxAccount) fields.inboxChannelId = 'invalid';
  }
  const previous = existing?.sealed
    ? (openSecretsIfReadable(ctx.config.secretKey, DESTINATION_SECRETS, existing.sealed) ?? {})
    : {};
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const field of adapter.fields) {
    const value = (input.fields[field.name] ?? '').trim();
    if (field.secret) {
      const kept = previous[field.name];
      if (value) secrets[field.name] = value;
      else if (kept) secrets[field.name] = kept;
      else if (field.required && input.inboxChannelId === null) fields[`field_${field.name}`] = 'required';
      continue;
    }
    if (field.type === 'checkbox') {
      settings[field.name] = value === 'on' || value === 'yes' || value === 'true';
      continue;
    }
    if (!value) {
      if (field.required) fields[`field_${field.name}`] = 'required';
      continue;
    }
    if (field.type === 'url' && !/^https?:\/\/[^\s]+$/.test(value)) fields[`field_${field.name}`] = 'invalid';
    else if (field.type === 'number' && !/^\d{1,9}$/.test(value)) fields[`field_${field.name}`] = 'invalid';
    else settings[field.name] = field.type === 'number' ? Number(value) : value;
  }
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const sealed =
    input.inboxChannelId === null && Object.keys(secrets).length > 0
      ? sealSecrets(ctx.config.secretKey, DESTINATION_SECRETS, secrets)
      : null;
  const values = {
    name: input.name.trim(),
    departmentId: input.departmentId,
    inboxChannelId: input.inboxChannelId,
    settings,
    sealed,
    enabled: input.enabled,
  };
  return ctx.db.transaction().execute(async (tx) => {
    let savedId = id;
    if (savedId === undefined)
      savedId = await insertDestination(tx, organisation.id, {
        ...values,
        kind,
        key: `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      });
    else await updateDestination(tx, organisation.id, savedId, values);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: id === undefined ? 'publishing.destination.add' : 'publishing.destination.change',
      subjectType: 'publishing_destination',
      subjectId: savedId,
      // the names of the credentials, never their values
      after: {
        kind,
        name: values.name,
        settings,
        secrets: Object.keys(secrets),
        inboxChannelId: values.inboxChannelId,
      },
    });
    return { ok: true as const, id: savedId };
  });
}

export async function removeDestination(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
) {
  authorizePublishing(viewer, 'configure');
  const existing = await findDestination(ctx.db, organisation.id, id);
  if (!existing) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
  await ctx.db.transaction().execute(async (tx) => {
    await archiveDestination(tx, organisation.id, id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.destination.remove',
      subjectType: 'publishing_destination',
      subjectId: id,
      before: { kind: existing.kind, name: existing.name },
    });
  });
}

/** Changing SECRET_KEY: destinations' own credentials sealed again under the new key (see inbox's). */
export const publishingSecretKeyRotation: SecretKeyRotation = {
  async rotate(tx, keys, options) {
    let resealed = 0;
    const unreadable: number[] = [];
    for (const destination of await findSealedDestinations(tx)) {
      const secrets = openSecretsIfReadable(keys.old, DESTINATION_SECRETS, destination.sealed);
      if (secrets) {
        await storeSealedDestinationSecrets(tx, destination.id, sealSecrets(keys.next, DESTINATION_SECRETS, secrets));
        resealed++;
      } else if (!openSecretsIfReadable(keys.next, DESTINATION_SECRETS, destination.sealed))
        unreadable.push(destination.id);
    }
    const done = [`publishing destinations: credentials of ${resealed} sealed again under the new key`];
    if (unreadable.length === 0) return { done };
    if (!options.dropUnrecoverable)
      return {
        done,
        blocked: `publishing destinations ${unreadable.join(', ')}: OLD_SECRET_KEY cannot open their credentials. Run again with --drop-unrecoverable to remove them and enter them again.`,
      };
    for (const id of unreadable) await storeSealedDestinationSecrets(tx, id, null);
    return { done: [...done, `publishing destinations ${unreadable.join(', ')}: unreadable credentials removed`] };
  },
};
