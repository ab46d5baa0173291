import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { ApiError, SIGNED } from '../../../platform/http/api.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelRecord,
  type IncomingMessage,
  type InboxChannels,
  type OutgoingReply,
  type SentReply,
} from './channel.ts';
import { callChannelApi } from './http.ts';
import { channelIdParam, rawBody, rawBodyRoutes, refuseForgery, signatureMatches, signatureOf } from './signatures.ts';
import {
  decodeUtf8Marked,
  isEmail,
  isStorableDate,
  UNSTORABLE_TEXT_MESSAGE,
  unstorableTextPath,
} from '../../../platform/validation.ts';

/**
 * A generic signed JSON webhook, so that other systems of the city (a call centre, a chatbot, a form
 * tool) can put what residents told them into the inbox. The sender signs the raw body with the
 * channel's secret; with an `X-Timestamp` header (Unix seconds) it signs `<timestamp>.<body>` instead
 * and the request is only accepted within five minutes of that time, so a captured request cannot be
 * replayed later. Answers go back to the channel's `reply_url`, signed the same way.
 */

const REPLAY_WINDOW_SECONDS = 300;
/** The most messages one request may carry. */
export const WEBHOOK_MAX_ITEMS = 100;
const ITEM_FIELDS = new Set([
  'id',
  'text',
  'author',
  'sent_at',
  'thread_id',
  'in_reply_to',
  'subject',
  'url',
  'lat',
  'lng',
]);

/** One reason a webhook item was refused: its index in the array (null for a single object), the field, what is wrong. */
export interface WebhookProblem {
  item: number | null;
  field: string;
  message: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 300) return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function optionalText(
  item: Record<string, unknown>,
  name: string,
  max: number,
  problem: (field: string, message: string) => void,
): string | undefined {
  const value = item[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    problem(name, `must be a text of at most ${max} characters`);
    return undefined;
  }
  return value.trim() === '' ? undefined : value.trim();
}

/**
 * Checks a webhook body (one message or an array of up to 100) and turns it into inbox messages. Every
 * problem of every item is listed, so a sender can fix a whole batch at once; any problem refuses all.
 */
export function messagesFromWebhook(
  payload: unknown,
): { ok: true; messages: IncomingMessage[] } | { ok: false; problems: WebhookProblem[] } {
  const single = !Array.isArray(payload);
  const items: unknown[] = Array.isArray(payload) ? payload : [payload];
  if (items.length === 0 || items.length > WEBHOOK_MAX_ITEMS)
    return {
      ok: false,
      problems: [{ item: null, field: 'body', message: `must hold 1 to ${WEBHOOK_MAX_ITEMS} messages` }],
    };
  const problems: WebhookProblem[] = [];
  const messages: IncomingMessage[] = [];
  items.forEach((item, index) => {
    const problem = (field: string, message: string): void => {
      problems.push({ item: single ? null : index, field, message });
    };
    if (!isObject(item)) {
      problem('item', 'must be an object');
      return;
    }
    for (const name of Object.keys(item)) if (!ITEM_FIELDS.has(name)) problem(name, 'is not a known field');
    const unstorable = unstorableTextPath(item);
    if (unstorable !== undefined) problem(unstorable, UNSTORABLE_TEXT_MESSAGE);
    const id = idText(item.id);
    if (id === undefined) problem('id', 'is required (a text of at most 300 characters or an integer)');
    const text = typeof item.text === 'string' ? item.text.trim() : '';
    if (text === '' || text.length > 20_000) problem('text', 'is required (1 to 20,000 characters)');
    const author = isObject(item.author) ? item.author : undefined;
    const authorId = author ? idText(author.id) : undefined;
    if (!author) problem('author', 'is required (an object with id and name)');
    else if (authorId === undefined) problem('author.id', 'is required');
    const name = author ? optionalText(author, 'name', 200, (_f, m) => problem('author.name', m)) : undefined;
    const email = author ? optionalText(author, 'email', 320, (_f, m) => problem('author.email', m)) : undefined;
    if (email !== undefined && !isEmail(email)) problem('author.email', 'is not an e-mail address');
    const sentAt =
      typeof item.sent_at === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(item.sent_at)
        ? new Date(item.sent_at)
        : undefined;
    if (!sentAt || !isStorableDate(sentAt))
      problem('sent_at', 'is required (an ISO 8601 date and time, e.g. 2026-11-23T09:30:00Z)');
    else if (sentAt.getTime() > Date.now() + 86_400_000) problem('sent_at', 'is in the future');
    const threadId = optionalText(item, 'thread_id', 300, problem);
    const inReplyTo = optionalText(item, 'in_reply_to', 300, problem);
    const subject = optionalText(item, 'subject', 500, problem);
    const url = optionalText(item, 'url', 2000, problem);
    if (url !== undefined && !/^https?:\/\/[^\s]+$/i.test(url)) problem('url', 'must be an http(s) address');
    const hasLat = item.lat !== undefined && item.lat !== null;
    const hasLng = item.lng !== undefined && item.lng !== null;
    if (hasLat !== hasLng) problem(hasLat ? 'lng' : 'lat', 'is required when the other coordinate is given');
    if (hasLat && (typeof item.lat !== 'number' || Math.abs(item.lat) > 90))
      problem('lat', 'must be a number from -90 to 90');
    if (hasLng && (typeof item.lng !== 'number' || Math.abs(item.lng) > 180))
      problem('lng', 'must be a number from -180 to 180');
    if (problems.length > 0 || id === undefined || authorId === undefined || !sentAt) return;
    messages.push({
      externalId: id,
      threadKey: threadId,
      inReplyTo,
      author: { externalId: authorId, name, email },
      subject,
      text,
      url,
      location: hasLat && hasLng ? { lat: item.lat as number, lng: item.lng as number } : undefined,
      sentAt,
      raw: item,
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, messages };
}

const Author = Type.Object({
  id: Type.Union([Type.String({ maxLength: 300 }), Type.Integer()], {
    description: "The person's stable id in the sending system.",
  }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
});
const Item = Type.Object(
  {
    id: Type.Union([Type.String({ minLength: 1, maxLength: 300 }), Type.Integer()], {
      description: 'Unique per channel; a message sent twice is stored once.',
    }),
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    author: Author,
    sent_at: Type.String({ format: 'date-time' }),
    thread_id: Type.Optional(
      Type.String({ maxLength: 300, description: 'Messages with the same thread id form one conversation.' }),
    ),
    in_reply_to: Type.Optional(
      Type.String({ maxLength: 300, description: 'The id of an earlier message this one answers.' }),
    ),
    subject: Type.Optional(Type.String({ maxLength: 500 })),
    url: Type.Optional(Type.String({ format: 'uri' })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  },
  { additionalProperties: false },
);

function setting(channel: ChannelRecord, name: string): string {
  const value = channel.settings[name];
  return typeof value === 'string' ? value.trim() : '';
}

function requiresTimestamp(channel: ChannelRecord): boolean {
  const value = channel.settings.requireTimestamp;
  return value === true || value === 'on' || value === 'true';
}

/** `POST /api/v1/inbox/webhook/:channelId`: checks signature and time window, validates every item, stores all or nothing. */
export function registerWebhookRoutes(app: App, ctx: AppContext, inbox: InboxChannels): void {
  rawBodyRoutes(app, (scope) => {
    scope.post(
      '/api/v1/inbox/webhook/:channelId',
      {
        config: { csrf: false },
        // The body arrives as raw bytes for the signature; the schema documents it and the handler checks it.
        validatorCompiler: () => () => true,
        schema: {
          operationId: 'receiveInboxWebhook',
          tags: ['inbox'],
          summary: "Send residents' messages to the inbox (signed JSON webhook)",
          security: SIGNED,
          description:
            `Header \`X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the channel's secret>\`. Optional \`X-Timestamp: <Unix seconds>\`: then sign \`<timestamp>.<raw body>\`; the request must arrive within ${REPLAY_WINDOW_SECONDS / 60} minutes (channels can require it). ` +
            `The body is one message or an array of up to ${WEBHOOK_MAX_ITEMS}. A message already received (same id) is counted as a duplicate. One invalid item refuses the whole request (400, with the item's index), and nothing is stored.`,
          params: Type.Object({ channelId: Type.Integer({ minimum: 1 }) }),
          headers: Type.Object({ 'x-signature-256': Type.String(), 'x-timestamp': Type.Optional(Type.String()) }),
          body: Type.Union([Item, Type.Array(Item, { minItems: 1, maxItems: WEBHOOK_MAX_ITEMS })]),
          response: {
            200: Type.Object({ received: Type.Integer(), stored: Type.Integer(), duplicates: Type.Integer() }),
            400: ApiError,
            401: ApiError,
            404: ApiError,
            413: ApiError,
            429: ApiError,
          },
        },
      },
      async (request, reply) => {
        const channel = await inbox.findChannel('webhook', channelIdParam(request.params));
        if (!channel) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
        const body = rawBody(request);
        const timestamp = request.headers['x-timestamp'];
        const stamped = typeof timestamp === 'string' && timestamp !== '';
        const signed = stamped ? Buffer.concat([Buffer.from(`${timestamp}.`), body]) : body;
        if (!signatureMatches(request.headers['x-signature-256'], channel.secrets.secret, signed))
          return refuseForgery(ctx, request, channel.organisationId);
        if (
          stamped
            ? !/^\d{9,11}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS
            : requiresTimestamp(channel)
        ) {
          throw new AppError('INBOX_WEBHOOK_TIMESTAMP');
        }
        let payload: unknown;
        try {
          // bytes that are not UTF-8 become unpaired surrogates, refused with the item that holds them
          payload = JSON.parse(decodeUtf8Marked(body));
        } catch {
          throw new AppError('INBOX_WEBHOOK_PAYLOAD', 'The webhook payload is not valid JSON.');
        }
        const parsed = messagesFromWebhook(payload);
        if (!parsed.ok) {
          const first = parsed.problems[0];
          throw new AppError(
            'INBOX_WEBHOOK_PAYLOAD',
            `The webhook payload is not valid: ${parsed.problems
              .slice(0, 5)
              .map((p) => `${p.item === null ? '' : `item ${p.item}: `}${p.field} ${p.message}`)
              .join('; ')}.`,
            { problems: parsed.problems.slice(0, 100), item: first?.item ?? null },
          );
        }
        const outcome = await inbox.ingest(channel, parsed.messages);
        return reply
          .code(200)
          .send({ received: parsed.messages.length, stored: outcome.stored, duplicates: outcome.duplicates });
      },
    );
  });
}

/**
 * Sends an answer to the sending system's `reply_url`: a JSON object signed like incoming requests
 * (`X-Timestamp`, `X-Signature-256` over `<timestamp>.<body>`). A channel without one cannot answer.
 */
export async function replyOnWebhook(
  channel: ChannelRecord,
  reply: OutgoingReply,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<SentReply> {
  const target = setting(channel, 'reply_url');
  if (!target)
    throw new ChannelError('Webhook: this channel has no reply address; answer the person another way', {
      retryable: false,
    });
  if (!/^https?:\/\//i.test(target))
    throw new ChannelError('Webhook: the reply address is not an http(s) URL', { retryable: false });
  const secret = channel.secrets.secret;
  if (!secret) throw new ChannelError('Webhook: the channel has no secret to sign with', { retryable: false });
  const id = randomUUID();
  const body = JSON.stringify({
    id,
    thread_id: reply.threadKey,
    in_reply_to: reply.inReplyTo,
    text: reply.text,
    to: { id: reply.to.externalId, name: reply.to.name ?? null, email: reply.to.email ?? null },
    sent_at: new Date().toISOString(),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const answer = await callChannelApi<{ id?: unknown }>(ctx.outbound, target, {
    method: 'POST',
    what: 'Webhook reply',
    signal,
    headers: {
      'content-type': 'application/json',
      'x-timestamp': timestamp,
      'x-signature-256': signatureOf(secret, `${timestamp}.${body}`),
    },
    body,
  });
  return { externalId: typeof answer.id === 'string' && answer.id !== '' ? answer.id.slice(0, 300) : id };
}

/** The generic signed JSON webhook channel. */
export const webhookAdapter: ChannelAdapter = {
  kind: 'webhook',
  fields: [
    {
      name: 'secret',
      label: 'inbox.sources.webhook.secret',
      hint: 'inbox.sources.webhook.secret.hint',
      secret: true,
      required: true,
    },
    {
      name: 'reply_url',
      label: 'inbox.sources.webhook.replyUrl',
      hint: 'inbox.sources.webhook.replyUrl.hint',
      type: 'url',
    },
    {
      name: 'requireTimestamp',
      label: 'inbox.sources.webhook.requireTimestamp',
      hint: 'inbox.sources.webhook.requireTimestamp.hint',
      type: 'checkbox',
    },
  ],
  routes: registerWebhookRoutes,
  webhookPath: (channelId: number) => `/api/v1/inbox/webhook/${channelId}`,
  reply: replyOnWebhook,
  async health(channel) {
    if (!channel.secrets.secret) return { ok: false, detail: 'No secret is set: every delivery will be refused.' };
    return { ok: true };
  },
};
