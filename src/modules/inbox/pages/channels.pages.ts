import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findChannels } from '../channels.repository.ts';
import type { ChannelAdapter } from '../channels/channel.ts';
import { adapterFor } from '../channels/index.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { CHANNEL_KINDS, type ChannelKind } from '../inbox.schema.ts';
import {
  changeChannel,
  channelOf,
  checkChannel,
  createChannel,
  fieldId,
  registerTelegramWebhook,
  retireChannel,
  switchChannel,
  type ChannelFieldProblem,
  type ChannelInput,
} from '../channels.use-cases.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { ChannelForm, ChannelSwitchForm } from '../inbox.forms.ts';
import {
  BASE,
  channelListView,
  channelView,
  newChannelView,
  webhookUrl,
  type ChannelPageState,
} from './channels.view.ts';

function inputFrom(request: FastifyRequest, adapter: ChannelAdapter): ChannelInput {
  const ids = adapter.fields.map((item) => fieldId(adapter, item.name));
  const form = readForm(ChannelForm(ids), request.body);
  if (!form.ok) throw invalidForm(form.errors);
  const fields = form.value as Record<string, string>;
  return { name: form.value.name, values: Object.fromEntries(ids.map((id) => [id, fields[id] ?? ''])) };
}

function translate(request: FastifyRequest, errors: Record<string, ChannelFieldProblem>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([name, problem]) => [name, request.t(`inbox.channels.error.${problem}`)]),
  );
}

/** Loads a channel of the city (its record, its summary and its adapter) and shows its page. */
async function channelPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  state: ChannelPageState = {},
): Promise<FastifyReply> {
  const { organisation } = request;
  const channel = await channelOf(ctx, organisation, id);
  const summary = (await findChannels(ctx.db, organisation.id, ctx.config.secretKey)).find((item) => item.id === id);
  const adapter = adapterFor(channel.kind);
  if (!adapter || !summary) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  return channelView(request, reply, { channel, summary, adapter }, state);
}

function kindOf(request: FastifyRequest): ChannelKind {
  const kind = (request.query as Record<string, unknown>).kind;
  if (
    typeof kind !== 'string' ||
    !(CHANNEL_KINDS as readonly string[]).includes(kind) ||
    !adapterFor(kind as ChannelKind)
  )
    throw new AppError('NOT_FOUND');
  return kind as ChannelKind;
}

function idOf(request: FastifyRequest): number {
  const value = (request.params as Record<string, unknown>).id;
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  return Number(value);
}

/** The administrators' channel pages: list, add, edit, switch on or off, archive, check, set the Telegram webhook. */
export function registerChannelPages(app: App, ctx: AppContext): void {
  app.get(BASE, { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    return channelListView(request, reply, await findChannels(ctx.db, request.organisation.id, ctx.config.secretKey));
  });
  app.get(`${BASE}/new`, { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    return newChannelView(request, reply, kindOf(request), { name: '', values: {} });
  });
  app.post(`${BASE}/new`, { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    const kind = kindOf(request);
    const input = inputFrom(request, adapterFor(kind) as ChannelAdapter);
    const outcome = await createChannel(ctx, request.viewer, request.organisation, kind, input);
    if (!outcome.ok) return newChannelView(request, reply, kind, input, translate(request, outcome.fields));
    setNotice(reply, 'inbox.channels.notice.created');
    return reply.redirect(`${BASE}/${outcome.id}`, 303);
  });
  app.get(`${BASE}/:id`, { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    return channelPage(ctx, request, reply, idOf(request));
  });
  app.post(`${BASE}/:id`, { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    const id = idOf(request);
    const adapter = adapterFor((await channelOf(ctx, request.organisation, id)).kind);
    if (!adapter) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
    const input = inputFrom(request, adapter);
    const outcome = await changeChannel(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok) return channelPage(ctx, request, reply, id, { input, errors: translate(request, outcome.fields) });
    setNotice(reply, 'inbox.channels.notice.saved');
    return reply.redirect(`${BASE}/${id}`, 303);
  });
  app.post(`${BASE}/:id/enabled`, { schema: { hide: true } }, async (request, reply) => {
    const id = idOf(request);
    const form = readForm(ChannelSwitchForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const enabled = form.value.enabled === 'yes';
    await switchChannel(ctx, request.viewer, request.organisation, id, enabled);
    setNotice(reply, enabled ? 'inbox.channels.notice.on' : 'inbox.channels.notice.off');
    return reply.redirect(`${BASE}/${id}`, 303);
  });
  app.post(`${BASE}/:id/archive`, { schema: { hide: true } }, async (request, reply) => {
    await retireChannel(ctx, request.viewer, request.organisation, idOf(request));
    setNotice(reply, 'inbox.channels.notice.archived');
    return reply.redirect(BASE, 303);
  });
  app.post(`${BASE}/:id/check`, { schema: { hide: true } }, async (request, reply) => {
    const id = idOf(request);
    const check = await checkChannel(ctx, request.viewer, request.organisation, id);
    return channelPage(ctx, request, reply, id, { check });
  });
  app.post(`${BASE}/:id/telegram-webhook`, { schema: { hide: true } }, async (request, reply) => {
    const id = idOf(request);
    const check = await registerTelegramWebhook(
      ctx,
      request.viewer,
      request.organisation,
      id,
      webhookUrl(request, 'telegram', id) ?? '',
    );
    return channelPage(ctx, request, reply, id, { check });
  });
}
