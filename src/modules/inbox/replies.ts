import type { AppContext } from '../../platform/context.ts';
import { inTransaction, type Tx } from '../../platform/db/database.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import { AppError } from '../../platform/errors.ts';
import type { Job } from '../../platform/jobs/queue.ts';
import { ChannelError } from './channels/channel.ts';
import { adapterFor } from './channels/index.ts';
import { findChannelRecord } from './channels.repository.ts';
import { NOT_ANALYSED } from './ingest.ts';
import {
  type ArrivedMessage,
  findAnswerToDeliver,
  findMessagesAfter,
  findThreadExternalIds,
  insertMessage,
  lockConversationWithChannel,
  markAnswerFailed,
  markAnswerSent,
  markConversationAnswered,
  markConversationDeliveryFailed,
  markConversationNotified,
} from './replies.repository.ts';
import './inbox.schema.ts';

/** The job that sends one queued answer on its channel. */
export const DELIVER_JOB = 'inbox.deliver';
const DELIVERY_ATTEMPTS = 8;
const MAX_REPLY = 10_000;

/**
 * Queues a staff member's answer to a conversation on the channel it came from. The answer is stored at
 * once (the staff member's words are never lost) and sent by a job that retries while the channel is
 * down. The first answer sets the conversation's first-response time; the conversation then waits for
 * the resident, and a failed delivery marked on it is taken as dealt with. An answer that finally fails
 * is no longer counted (see `markConversationDeliveryFailed`). Authorisation is the caller's use case's
 * job (the inbox policy's `answer`).
 */
export async function queueReply(ctx: AppContext, input: ReplyInput): Promise<number> {
  return inTransaction(ctx.db, (tx) => queueReplyIn(tx, ctx.jobs, input));
}

export interface ReplyInput {
  organisationId: number;
  conversationId: number;
  userId: number;
  text: string;
}

/** Like `queueReply`, inside the caller's transaction: the answer exists only if the change that asked for it commits. */
export async function queueReplyIn(tx: Tx, jobs: JobQueue, input: ReplyInput): Promise<number> {
  const outcome = await queueOutgoing(tx, jobs, input.organisationId, input.conversationId, input.text, {
    userId: input.userId,
  });
  if (!outcome.ok) throw new AppError('INBOX_ANSWER_COLLISION');
  return outcome.messageId;
}

/** A staff answer queued, or refused because messages arrived since the one the staff member last saw. */
export type AnswerOutcome =
  { ok: true; messageId: number } | { ok: false; code: 'INBOX_ANSWER_COLLISION'; arrived: ArrivedMessage[] };

/**
 * Like `queueReplyIn`, for a staff member who answers having seen the conversation up to `seenMessageId`:
 * once the conversation's row is locked (so two answers to one conversation take turns), a resident's
 * message or another answer with a higher id refuses the answer and says what arrived. The page then
 * shows it and the staff member may send anyway (a new form, which has seen those messages).
 */
export async function queueAnswerIn(
  tx: Tx,
  jobs: JobQueue,
  input: ReplyInput & { seenMessageId: number },
): Promise<AnswerOutcome> {
  return queueOutgoing(
    tx,
    jobs,
    input.organisationId,
    input.conversationId,
    input.text,
    { userId: input.userId },
    input.seenMessageId,
  );
}

/**
 * Queues an automatic notice (a report's or proposal's change told to its author) in the caller's
 * transaction. A notice is the city's, written by no one: it is not a first response and does not make
 * the conversation wait for the resident.
 */
export async function queueNoticeIn(
  tx: Tx,
  jobs: JobQueue,
  input: { organisationId: number; conversationId: number; text: string },
): Promise<number> {
  const outcome = await queueOutgoing(tx, jobs, input.organisationId, input.conversationId, input.text, 'automatic');
  if (!outcome.ok) throw new AppError('INBOX_ANSWER_COLLISION');
  return outcome.messageId;
}

async function queueOutgoing(
  tx: Tx,
  jobs: JobQueue,
  organisationId: number,
  conversationId: number,
  body: string,
  by: { userId: number } | 'automatic',
  seenMessageId?: number,
): Promise<AnswerOutcome> {
  const text = body.trim();
  if (text === '') throw new AppError('INBOX_REPLY_EMPTY');
  if (text.length > MAX_REPLY) throw new AppError('INBOX_REPLY_TOO_LONG');
  const conversation = await lockConversationWithChannel(tx, organisationId, conversationId);
  if (!conversation) throw new AppError('INBOX_CONVERSATION_NOT_FOUND');
  if (!adapterFor(conversation.kind)?.reply) throw new AppError('INBOX_CHANNEL_CANNOT_REPLY');
  if (seenMessageId !== undefined) {
    const arrived = await findMessagesAfter(tx, conversation.id, seenMessageId);
    if (arrived.length > 0) return { ok: false, code: 'INBOX_ANSWER_COLLISION', arrived };
  }
  const now = new Date();
  const messageId = await insertMessage(tx, {
    organisation_id: organisationId,
    conversation_id: conversation.id,
    channel_id: conversation.channel_id,
    direction: 'out',
    external_id: null,
    in_reply_to: null,
    author_id: null,
    sent_by: by === 'automatic' ? null : by.userId,
    automatic: by === 'automatic',
    subject: conversation.subject,
    body: text,
    url: null,
    lat: null,
    lng: null,
    attachments: '[]',
    raw: null,
    sent_at: now,
    delivery: 'queued',
    delivery_error: null,
    ...NOT_ANALYSED,
    analysed_at: now,
    erased_at: null,
  });
  if (by === 'automatic') await markConversationNotified(tx, conversation.id, now);
  else await markConversationAnswered(tx, conversation.id, now);
  await jobs.enqueue(DELIVER_JOB, { messageId }, { organisationId, maxAttempts: DELIVERY_ATTEMPTS }, tx);
  return { ok: true, messageId };
}

/**
 * Sends one queued answer or notice through its channel's adapter. A refusal that retrying cannot mend
 * (a wrong token, a blocked bot) marks it failed at once; other failures are retried with back-off by
 * the job queue, and the last attempt marks it failed. A failure is marked on the conversation too
 * (the inbox lists and filters such conversations), and a failed answer no longer counts as answering.
 */
export async function deliverReply(ctx: AppContext, job: Job<{ messageId: number }>): Promise<void> {
  const message = await findAnswerToDeliver(ctx.db, job.payload.messageId);
  if (!message || message.delivery !== 'queued') return;
  const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, message.organisation_id, message.channel_id);
  const adapter = channel ? adapterFor(channel.kind) : undefined;
  if (!channel || !channel.enabled || !adapter?.reply) {
    await inTransaction(ctx.db, async (tx) => {
      await markAnswerFailed(tx, message.id, 'The channel is switched off or cannot send answers.');
      await markConversationDeliveryFailed(tx, message.conversation_id);
    });
    return;
  }
  const thread = await findThreadExternalIds(ctx.db, message.conversation_id);
  const references = thread.map((row) => row.external_id).filter((id): id is string => id !== null);
  const lastIncoming = [...thread].reverse().find((row) => row.direction === 'in')?.external_id ?? null;
  try {
    const sent = await adapter.reply(
      channel,
      {
        text: message.body,
        subject: message.subject,
        threadKey: message.thread_key,
        inReplyTo: lastIncoming,
        references,
        to: {
          externalId: message.author_external_id ?? '',
          name: message.display_name ?? undefined,
          handle: message.handle ?? undefined,
          email: message.email ?? undefined,
        },
      },
      AbortSignal.timeout(30_000),
      ctx,
    );
    await markAnswerSent(ctx.db, message.id, { externalId: sent.externalId, url: sent.url ?? null });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const final = !(error instanceof ChannelError && error.retryable) || job.attempts >= DELIVERY_ATTEMPTS;
    ctx.log.warn(
      { messageId: message.id, channelId: channel.id, kind: channel.kind, attempt: job.attempts, final, error: reason },
      'inbox answer not delivered',
    );
    if (final)
      await inTransaction(ctx.db, async (tx) => {
        await markAnswerFailed(tx, message.id, reason);
        await markConversationDeliveryFailed(tx, message.conversation_id);
      });
    else throw error;
  }
}
