import type { AttachmentInfo } from '../inbox.schema.ts';
import type { IncomingMessage } from './channel.ts';
import { isStorableDate } from '../../../platform/validation.ts';

/**
 * Reading Meta's webhook deliveries (Graph API webhooks for Pages and Instagram accounts) into inbox
 * messages. One delivery holds a batch of `entry` items, each with `changes` (Page feed, Instagram
 * comments) and/or `messaging` events (Messenger, Instagram Direct). Only what residents wrote is kept:
 * new comments and messages. Edits, removals, reactions, read receipts and our own answers (echoes,
 * comments by the page itself) are skipped on purpose.
 *
 * Thread keys carry the kind of conversation, so that an answer knows which Graph endpoint to call:
 * `comment:<id>` (Facebook comment thread), `igcomment:<id>` (Instagram comment thread),
 * `dm:<psid>` (Messenger chat), `igdm:<igsid>` (Instagram Direct chat).
 */

/** A delivery that does not have the documented shape; the route answers 400 and stores nothing. */
export class MetaPayloadError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;
}

function required(value: Json, name: string, where: string): string {
  const found = text(value[name]);
  if (found === undefined || found === '') throw new MetaPayloadError(`${where}: "${name}" is missing`);
  return found;
}

/** Meta sends seconds in feed changes and milliseconds in messaging; both are told apart by size. */
function dateFrom(value: unknown, fallback: Date): Date {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const date = new Date(value < 1e12 ? value * 1000 : value);
    return isStorableDate(date) ? date : fallback;
  }
  if (typeof value === 'string' && value !== '') {
    const parsed = new Date(
      /^\d+$/.test(value)
        ? Number(value) * (value.length <= 10 ? 1000 : 1)
        : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
    );
    if (isStorableDate(parsed)) return parsed;
  }
  return fallback;
}

/**
 * Every resident's message in a delivery. Throws MetaPayloadError when the delivery is not a Meta
 * webhook (no `object`, no `entry` list) or a comment or message lacks the fields that identify it.
 */
export function messagesFromMetaDelivery(payload: unknown, pageIds: readonly string[] = []): IncomingMessage[] {
  if (!isObject(payload) || typeof payload.object !== 'string' || !Array.isArray(payload.entry))
    throw new MetaPayloadError('not a Graph API webhook: "object" and "entry" are required');
  const instagram = payload.object === 'instagram';
  if (!instagram && payload.object !== 'page')
    throw new MetaPayloadError(`deliveries for "${payload.object.slice(0, 40)}" are not handled here`);
  const messages: IncomingMessage[] = [];
  payload.entry.forEach((entry, index) => {
    const where = `entry[${index}]`;
    if (!isObject(entry)) throw new MetaPayloadError(`${where} is not an object`);
    const accountId = text(entry.id) ?? '';
    if (pageIds.length > 0 && !pageIds.includes(accountId)) return;
    const received = dateFrom(entry.time, new Date());
    const own = new Set([accountId, ...pageIds]);
    if (entry.changes !== undefined && !Array.isArray(entry.changes))
      throw new MetaPayloadError(`${where}.changes is not a list`);
    if (entry.messaging !== undefined && !Array.isArray(entry.messaging))
      throw new MetaPayloadError(`${where}.messaging is not a list`);
    (entry.changes as unknown[] | undefined)?.forEach((change, changeIndex) => {
      const at = `${where}.changes[${changeIndex}]`;
      if (!isObject(change) || typeof change.field !== 'string' || !isObject(change.value))
        throw new MetaPayloadError(`${at} needs "field" and "value"`);
      const message =
        change.field === 'feed'
          ? feedComment(change.value, at, own, received)
          : change.field === 'comments'
            ? instagramComment(change.value, at, own, received)
            : undefined;
      if (message) messages.push({ ...message, raw: change });
    });
    (entry.messaging as unknown[] | undefined)?.forEach((event, eventIndex) => {
      const message = directMessage(event, `${where}.messaging[${eventIndex}]`, own, instagram);
      if (message) messages.push({ ...message, raw: event });
    });
  });
  return messages;
}

/** A new comment on one of the Page's posts (`feed` change with item=comment, verb=add). */
function feedComment(value: Json, at: string, own: Set<string>, received: Date): IncomingMessage | undefined {
  if (value.item !== 'comment' || value.verb !== 'add') return undefined;
  const commentId = required(value, 'comment_id', at);
  const postId = required(value, 'post_id', at);
  const from = isObject(value.from) ? value.from : {};
  const authorId = text(from.id);
  if (authorId && own.has(authorId)) return undefined;
  const parentId = text(value.parent_id);
  const isAnswer = parentId !== undefined && parentId !== postId;
  const post = isObject(value.post) ? value.post : {};
  return {
    externalId: commentId,
    threadKey: `comment:${isAnswer ? parentId : commentId}`,
    inReplyTo: isAnswer ? parentId : undefined,
    author: { externalId: authorId ?? 'facebook:unknown', name: text(from.name) },
    text: text(value.message) ?? '',
    url: text(post.permalink_url),
    attachments:
      typeof value.photo === 'string'
        ? [{ filename: 'photo', contentType: 'image/*', size: 0, url: value.photo }]
        : undefined,
    sentAt: dateFrom(value.created_time, received),
  };
}

/** A new comment on one of the Instagram account's media (`comments` change). */
function instagramComment(value: Json, at: string, own: Set<string>, received: Date): IncomingMessage | undefined {
  const commentId = required(value, 'id', at);
  const from = isObject(value.from) ? value.from : {};
  const authorId = text(from.id);
  if (authorId && own.has(authorId)) return undefined;
  const parentId = text(value.parent_id);
  const media = isObject(value.media) ? value.media : {};
  return {
    externalId: commentId,
    threadKey: `igcomment:${parentId ?? commentId}`,
    inReplyTo: parentId,
    author: { externalId: authorId ?? 'instagram:unknown', handle: text(from.username), name: text(from.username) },
    subject: text(media.id) ? `Instagram ${text(media.id)}` : undefined,
    text: text(value.text) ?? '',
    sentAt: dateFrom(value.timestamp ?? value.created_time, received),
  };
}

/** A message a person sent the Page on Messenger or the account on Instagram Direct. */
function directMessage(event: unknown, at: string, own: Set<string>, instagram: boolean): IncomingMessage | undefined {
  if (!isObject(event)) throw new MetaPayloadError(`${at} is not an object`);
  if (!isObject(event.message)) return undefined; // deliveries, reads, reactions, postbacks
  const message = event.message;
  if (message.is_echo === true) return undefined;
  if (!isObject(event.sender)) throw new MetaPayloadError(`${at}: "sender" is missing`);
  const senderId = required(event.sender, 'id', `${at}.sender`);
  if (own.has(senderId)) return undefined;
  const mid = required(message, 'mid', `${at}.message`);
  const attachments: AttachmentInfo[] = [];
  if (Array.isArray(message.attachments)) {
    for (const attachment of message.attachments) {
      if (!isObject(attachment)) continue;
      const kind = text(attachment.type) ?? 'file';
      const url = isObject(attachment.payload) ? text(attachment.payload.url) : undefined;
      attachments.push({
        filename: kind,
        contentType:
          kind === 'image'
            ? 'image/*'
            : kind === 'video'
              ? 'video/*'
              : kind === 'audio'
                ? 'audio/*'
                : 'application/octet-stream',
        size: 0,
        ...(url ? { url } : {}),
      });
    }
  }
  const replyTo = isObject(message.reply_to) ? text(message.reply_to.mid) : undefined;
  return {
    externalId: mid,
    threadKey: `${instagram ? 'igdm' : 'dm'}:${senderId}`,
    inReplyTo: replyTo,
    author: { externalId: senderId },
    text: text(message.text) ?? '',
    attachments: attachments.length > 0 ? attachments : undefined,
    sentAt: dateFrom(event.timestamp, new Date()),
  };
}
