import { httpUrl } from '../../platform/validation.ts';
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database.ts';
import { inTransaction } from '../../platform/db/database.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import { afterBulkChange } from '../../platform/maintenance.ts';
import type { ChannelRecord, IncomingMessage, IngestOutcome } from './channels/channel.ts';
import { markChannelOk } from './channels.repository.ts';
import {
  findConversationOfExternalMessage,
  insertIncomingMessage,
  isMessageStored,
  markConversationReceived,
  upsertAuthor,
  upsertConversation,
} from './ingest.repository.ts';
import './inbox.schema.ts';

/** The job that analyses newly stored messages (language, sentiment, topic, district). */
export const ANALYSE_JOB = 'inbox.analyse';

const MAX_BODY = 20_000;

/** The analysis columns of a message before the analysis job (or never, for the city's own answers). */
export const NOT_ANALYSED = {
  language: null,
  language_confidence: null,
  sentiment: null,
  sentiment_score: null,
  sentiment_by: null,
  topic: null,
  topic_by: null,
  district_id: null,
  place: null,
} as const;
const MAX_RAW_BYTES = 64 * 1024;

/**
 * Stores what a channel delivered, each message once: (channel, external id) is unique in the
 * database, so a message polled twice or a webhook delivered twice (even at the same instant) is
 * counted as a duplicate and changes nothing. Messages are threaded into conversations (by the
 * channel's thread key, or the conversation of the message they answer), a conversation marked done
 * reopens when its author writes again, and the analysis job is queued in the same transaction. When
 * the adapter polls, its new cursor is saved in that transaction too: a crash re-reads, it never skips.
 */
export async function ingestMessages(
  db: Db,
  jobs: JobQueue,
  channel: ChannelRecord,
  messages: IncomingMessage[],
  options: { cursor?: unknown } = {},
): Promise<IngestOutcome> {
  return inTransaction(db, (tx) => ingestMessagesIn(tx, jobs, channel, messages, options));
}

/** Like `ingestMessages`, in the caller's transaction (a bot's report and the message that filed it commit together). */
export async function ingestMessagesIn(
  tx: Tx,
  jobs: JobQueue,
  channel: ChannelRecord,
  messages: IncomingMessage[],
  options: { cursor?: unknown } = {},
): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { stored: 0, duplicates: 0, conversationIds: [] };
  for (const incoming of messages) {
    const message = normalise(incoming);
    const conversationId = await storeOne(tx, channel, message);
    if (conversationId === undefined) outcome.duplicates += 1;
    else {
      outcome.stored += 1;
      if (!outcome.conversationIds.includes(conversationId)) outcome.conversationIds.push(conversationId);
    }
  }
  if (outcome.stored > 0)
    await jobs.enqueueUnlessWaiting(ANALYSE_JOB, {}, { organisationId: channel.organisationId }, tx);
  await afterBulkChange(jobs, outcome.stored, tx);
  if (outcome.stored > 0 || options.cursor !== undefined) {
    await markChannelOk(tx, channel.id, {
      cursor: options.cursor,
      received: outcome.stored > 0,
      polled: options.cursor !== undefined,
    });
  }
  return outcome;
}

/** Stores one message; returns its conversation, or undefined when it was already stored. */
async function storeOne(tx: Tx, channel: ChannelRecord, message: IncomingMessage): Promise<number | undefined> {
  if (await isMessageStored(tx, channel.id, message.externalId)) return undefined;

  const authorId = await upsertAuthor(tx, channel, message.author);

  const conversationId = await conversationFor(tx, channel, message, authorId);
  const stored = await insertIncomingMessage(tx, {
    organisation_id: channel.organisationId,
    conversation_id: conversationId,
    channel_id: channel.id,
    direction: 'in',
    external_id: message.externalId,
    in_reply_to: message.inReplyTo ?? null,
    author_id: authorId,
    sent_by: null,
    report_id: message.reportId ?? null,
    subject: message.subject ?? null,
    body: message.text,
    url: httpUrl(message.url) ?? null, // a post's address is only ever an http(s) link
    lat: message.location?.lat ?? null,
    lng: message.location?.lng ?? null,
    attachments: JSON.stringify(message.attachments ?? []),
    raw: message.raw === undefined ? null : JSON.stringify(message.raw),
    sent_at: message.sentAt,
    delivery: null,
    delivery_error: null,
    ...NOT_ANALYSED,
    analysed_at: null,
    erased_at: null,
  });
  if (stored === undefined) return undefined;

  await markConversationReceived(tx, conversationId, {
    sentAt: message.sentAt,
    subject: message.subject ?? null,
    authorId,
  });
  return conversationId;
}

/**
 * The conversation a message belongs to: the one of the message it answers when we have that message
 * (also our own answers, whose external ids the channel gave us), else the channel's thread key, else
 * a thread of its own.
 */
async function conversationFor(
  tx: Tx,
  channel: ChannelRecord,
  message: IncomingMessage,
  authorId: number,
): Promise<number> {
  if (message.inReplyTo) {
    const parent = await findConversationOfExternalMessage(tx, channel.id, message.inReplyTo);
    if (parent) return parent.conversation_id;
  }
  const threadKey = message.threadKey ?? message.inReplyTo ?? message.externalId;
  return upsertConversation(tx, {
    organisation_id: channel.organisationId,
    channel_id: channel.id,
    thread_key: threadKey,
    author_id: authorId,
    subject: message.subject ?? null,
    department_id: null,
    assignee_id: null,
    report_id: null,
    proposal_id: null,
    first_message_at: message.sentAt,
    last_message_at: message.sentAt,
    last_incoming_at: null,
    first_response_at: null,
    done_at: null,
  });
}

/**
 * Makes a delivered message fit the table without refusing it: over-long texts are cut (with a mark),
 * impossible coordinates and dates dropped, over-long ids hashed, a huge raw payload replaced by a note.
 */
function normalise(message: IncomingMessage): IncomingMessage {
  const text = message.text.replace(/\p{Cc}(?<![\t\n\r])/gu, '').trim();
  const location =
    message.location &&
    Number.isFinite(message.location.lat) &&
    Number.isFinite(message.location.lng) &&
    Math.abs(message.location.lat) <= 90 &&
    Math.abs(message.location.lng) <= 180
      ? message.location
      : undefined;
  const sentAt =
    Number.isNaN(message.sentAt.getTime()) || message.sentAt.getTime() > Date.now() + 86_400_000
      ? new Date()
      : message.sentAt;
  let raw = message.raw;
  if (raw !== undefined && JSON.stringify(raw).length > MAX_RAW_BYTES)
    raw = { truncated: true, bytes: JSON.stringify(raw).length };
  return {
    ...message,
    externalId: shortId(message.externalId),
    threadKey: message.threadKey === undefined ? undefined : shortId(message.threadKey),
    inReplyTo: message.inReplyTo === undefined ? undefined : shortId(message.inReplyTo),
    author: {
      ...message.author,
      externalId: shortId(message.author.externalId),
      name: message.author.name?.slice(0, 200),
      handle: message.author.handle?.slice(0, 200),
      email: message.author.email?.slice(0, 320),
    },
    subject: message.subject?.replace(/\p{Cc}(?<![\t\n\r])/gu, '').slice(0, 500),
    text: text.length > MAX_BODY ? `${text.slice(0, MAX_BODY - 1)}…` : text,
    location,
    sentAt,
    raw,
  };
}

/** Keeps ids readable up to 300 characters; longer ones (some Message-IDs) become a stable hash. */
function shortId(id: string): string {
  const clean = id.replace(/\p{Cc}(?<![\t\n\r])/gu, '');
  return clean.length <= 300 ? clean : `sha256:${createHash('sha256').update(clean).digest('hex')}`;
}
