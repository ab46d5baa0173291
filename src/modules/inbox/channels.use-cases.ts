import { randomBytes } from 'node:crypto';
import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isEmail } from '../../platform/validation.ts';
import { archiveChannel, findChannelRecord, insertChannel, updateChannel } from './channels.repository.ts';
import type { ChannelAdapter, ChannelRecord } from './channels/channel.ts';
import { adapterFor } from './channels/index.ts';
import { setTelegramWebhook } from './channels/telegram.ts';
import { authorizeInbox } from './inbox.policy.ts';
import type { ChannelKind } from './inbox.schema.ts';

/** What the channel form sent: every field as typed, secrets empty when left unchanged. */
export interface ChannelInput {
  name: string;
  values: Record<string, string>;
}

/** Why a field of the channel form is refused; the page shows `inbox.channels.error.<problem>`. */
export type ChannelFieldProblem = 'name' | 'required' | 'number' | 'url' | 'email';

export type ChannelOutcome =
  { ok: true; id: number } | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, ChannelFieldProblem> };

function actorOf(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

/** The field ids of the channel form: `setting_<name>` and `secret_<name>`. */
export function fieldId(adapter: ChannelAdapter, name: string): string {
  return `${adapter.fields.find((item) => item.name === name)?.secret ? 'secret' : 'setting'}_${name}`;
}

/**
 * Reads and checks the form against the adapter's fields: a name, required fields present (a required
 * secret only when none is stored yet), addresses and numbers well formed. Secrets left empty are not
 * returned, so the stored ones stay.
 */
function validate(
  adapter: ChannelAdapter,
  input: ChannelInput,
  storedSecrets: string[],
): { settings: Record<string, unknown>; secrets: Record<string, string>; errors: Record<string, ChannelFieldProblem> } {
  const errors: Record<string, ChannelFieldProblem> = {};
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  const name = input.name.trim();
  if (name.length < 1 || name.length > 120) errors.name = 'name';
  for (const field of adapter.fields) {
    const id = fieldId(adapter, field.name);
    const value = (input.values[id] ?? '').trim();
    if (field.secret) {
      if (value) secrets[field.name] = value.slice(0, 2000);
      else if (field.required && !storedSecrets.includes(field.name)) errors[id] = 'required';
      continue;
    }
    if (field.type === 'checkbox') {
      settings[field.name] = value === '1';
      continue;
    }
    if (!value) {
      if (field.required) errors[id] = 'required';
      continue;
    }
    if (field.type === 'number') {
      if (!/^\d{1,6}(\.\d{1,2})?$/.test(value)) errors[id] = 'number';
      else settings[field.name] = Number(value);
    } else if (field.type === 'url') {
      if (!/^https?:\/\/[^\s]+$/.test(value)) errors[id] = 'url';
      else settings[field.name] = value.replace(/\/+$/, '');
    } else if (field.type === 'email') {
      if (!isEmail(value)) errors[id] = 'email';
      else settings[field.name] = value.toLowerCase();
    } else settings[field.name] = value.slice(0, field.type === 'textarea' ? 5000 : 500);
  }
  return { settings, secrets, errors };
}

/** Adds a channel of a kind this installation has an adapter for. A Telegram webhook secret is made up when none is given. */
export async function createChannel(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  kind: ChannelKind,
  input: ChannelInput,
): Promise<ChannelOutcome> {
  authorizeInbox(viewer, 'configure');
  const adapter = adapterFor(kind);
  if (!adapter) throw new AppError('NOT_FOUND');
  const { settings, secrets, errors } = validate(adapter, input, []);
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  if (adapter.fields.some((field) => field.name === 'webhookSecret' && field.secret) && !secrets.webhookSecret)
    secrets.webhookSecret = randomBytes(24).toString('base64url');
  const id = await inTransaction(ctx.db, async (tx) => {
    const id = await insertChannel(tx, ctx.config.secretKey, {
      organisationId: organisation.id,
      kind,
      name: input.name.trim(),
      settings,
      secrets,
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'inbox.channel.created',
      subjectType: 'inbox_channel',
      subjectId: id,
      after: { kind, name: input.name.trim(), settings, secretsSet: Object.keys(secrets) },
    });
    return id;
  });
  return { ok: true, id };
}

/** The city's channel with its credentials, or INBOX_CHANNEL_NOT_FOUND. */
export async function channelOf(
  ctx: AppContext,
  organisation: Organisation,
  id: number,
): Promise<ChannelRecord & { enabled: boolean }> {
  const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, organisation.id, id);
  if (!channel) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  return channel;
}

/** Changes a channel's name and settings; secrets typed replace the stored ones, empty ones keep them. */
export async function changeChannel(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  input: ChannelInput,
): Promise<ChannelOutcome> {
  authorizeInbox(viewer, 'configure');
  const channel = await channelOf(ctx, organisation, id);
  const adapter = adapterFor(channel.kind);
  if (!adapter) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  const { settings, secrets, errors } = validate(adapter, input, Object.keys(channel.secrets));
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await inTransaction(ctx.db, async (tx) => {
    await updateChannel(tx, ctx.config.secretKey, organisation.id, id, { name: input.name.trim(), settings, secrets });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'inbox.channel.changed',
      subjectType: 'inbox_channel',
      subjectId: id,
      before: { name: channel.name, settings: channel.settings },
      after: { name: input.name.trim(), settings, secretsChanged: Object.keys(secrets) },
    });
  });
  return { ok: true, id };
}

/** Switches a channel on or off; off, it neither receives nor sends. */
export async function switchChannel(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  enabled: boolean,
): Promise<void> {
  authorizeInbox(viewer, 'configure');
  const channel = await channelOf(ctx, organisation, id);
  await inTransaction(ctx.db, async (tx) => {
    await updateChannel(tx, ctx.config.secretKey, organisation.id, id, { enabled });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: enabled ? 'inbox.channel.enabled' : 'inbox.channel.disabled',
      subjectType: 'inbox_channel',
      subjectId: id,
      before: { enabled: channel.enabled },
      after: { enabled },
    });
  });
}

/** Archives a channel: its conversations stay in the inbox. */
export async function retireChannel(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizeInbox(viewer, 'configure');
  const channel = await channelOf(ctx, organisation, id);
  await inTransaction(ctx.db, async (tx) => {
    await archiveChannel(tx, organisation.id, id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'inbox.channel.archived',
      subjectType: 'inbox_channel',
      subjectId: id,
      before: { kind: channel.kind, name: channel.name },
    });
  });
}

/** Asks the channel's service whether the settings work (adapter.health); changes nothing. */
export async function checkChannel(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<{ ok: boolean; detail?: string }> {
  authorizeInbox(viewer, 'configure');
  const channel = await channelOf(ctx, organisation, id);
  const adapter = adapterFor(channel.kind);
  if (!adapter) return { ok: false, detail: 'no adapter' };
  try {
    return await adapter.health(channel, AbortSignal.timeout(20_000), ctx);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Registers the bot's webhook address with Telegram, with the channel's secret token. Audited. */
export async function registerTelegramWebhook(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  url: string,
): Promise<{ ok: boolean; detail?: string }> {
  authorizeInbox(viewer, 'configure');
  const channel = await channelOf(ctx, organisation, id);
  if (channel.kind !== 'telegram') throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  try {
    await setTelegramWebhook(ctx.outbound, channel, url, AbortSignal.timeout(20_000));
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
  await recordAudit(ctx.db, {
    organisationId: organisation.id,
    actor: actorOf(viewer),
    action: 'inbox.channel.webhook-set',
    subjectType: 'inbox_channel',
    subjectId: id,
    after: { url },
  });
  return { ok: true };
}
