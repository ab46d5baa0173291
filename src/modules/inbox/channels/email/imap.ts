import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { ChannelError, type ChannelRecord, type IncomingMessage } from '../channel.ts';
import { maxBytesOf, oversizedMail, parseMail } from './parse.ts';

/** A text setting of a channel ('' when absent or not text). */
function setting(channel: { settings: Record<string, unknown> }, name: string): string {
  const value = channel.settings[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Where IMAP polling stopped: the mailbox's UIDVALIDITY and the last UID read. */
export interface ImapCursor {
  uidValidity: string;
  lastUid: number;
}

function validDate(value: Date | string | undefined): Date | undefined {
  const date = value === undefined ? undefined : new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** Mails read per poll; the rest come at the next one. */
const BATCH = 100;

/** An ImapFlow client for the channel's mailbox (settings imapHost, imapPort, imapTls, imapUser; secret imapPassword). */
export function imapClient(channel: ChannelRecord): ImapFlow {
  const host = setting(channel, 'imapHost').trim();
  if (!host) throw new ChannelError('IMAP: no server is set', { retryable: false });
  const tls = channel.settings.imapTls !== false && channel.settings.imapTls !== 'false';
  const client = new ImapFlow({
    host,
    port: Number(channel.settings.imapPort) || (tls ? 993 : 143),
    secure: tls,
    auth: { user: setting(channel, 'imapUser'), pass: channel.secrets.imapPassword ?? '' },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  // imapflow reports a connection lost after login (reset, time-out) as an 'error' event, and an
  // 'error' nobody listens to ends the whole process; the command waiting fails on its own
  client.on('error', () => undefined);
  return client;
}

/** A property of an error imapflow threw ('' when absent). */
function errorField(error: unknown, name: string): string {
  if (typeof error !== 'object' || error === null || !(name in error)) return '';
  const value: unknown = (error as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** What the error codes of the network, TLS and imapflow mean, for administrators. */
const NETWORK_FAILURES: Record<string, RegExp> = {
  'the server refused the connection': /^ECONNREFUSED$/,
  'the server name was not found': /^(ENOTFOUND|EAI_AGAIN)$/,
  'the server did not answer in time': /^(ETIMEDOUT|ETIMEOUT|CONNECT_TIMEOUT|GREETING_TIMEOUT|UPGRADE_TIMEOUT)$/,
  'the connection was lost':
    /^(ECONNRESET|EPIPE|NoConnection|EConnectionClosed|ClosedAfterConnectText|ClosedAfterConnectTLS)$/,
  "the server's TLS certificate was not accepted":
    /^(ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_)/,
};

/**
 * An IMAP failure as a ChannelError: a refused login or a missing INBOX is not retryable, the rest
 * (network, server) is. A command the server refused says what the server answered (its text holds
 * no credentials: LOGIN failures are told apart before), so administrators see why.
 */
export function imapError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  if (errorField(error, 'authenticationFailed') === 'true')
    return new ChannelError('IMAP: the server refused the user name or password', { retryable: false, cause: error });
  if (errorField(error, 'mailboxMissing') === 'true')
    return new ChannelError('IMAP: the mailbox has no INBOX', { retryable: false, cause: error });
  const status = errorField(error, 'responseStatus');
  const text = errorField(error, 'responseText')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 200);
  if (status && text)
    return new ChannelError(`IMAP: the server answered ${status}: ${text}`, { retryable: true, cause: error });
  const code = errorField(error, 'code');
  const meaning = Object.entries(NETWORK_FAILURES).find(([, pattern]) => pattern.test(code))?.[0];
  if (code)
    return new ChannelError(`IMAP: ${meaning ? `${meaning} (${code})` : code}`, { retryable: true, cause: error });
  return new ChannelError(`IMAP: ${error instanceof Error ? error.message.slice(0, 200) : 'failure'}`, {
    retryable: true,
    cause: error,
  });
}

/**
 * Reads new mail from the channel's INBOX, read-only (EXAMINE and BODY.PEEK: nothing is marked or
 * moved). The cursor is UIDVALIDITY plus the last UID read; when the server's UIDVALIDITY changes the
 * mailbox is read again from the start, and the inbox's Message-ID check stores nothing twice. A mail
 * above the size limit is not downloaded: a note with its headers is stored instead.
 */
export async function pollMailbox(
  channel: ChannelRecord,
  signal: AbortSignal,
): Promise<{ messages: IncomingMessage[]; cursor: ImapCursor }> {
  const client = imapClient(channel);
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    signal.throwIfAborted();
    await client.connect();
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      const mailbox = client.mailbox;
      const uidValidity = mailbox ? String(mailbox.uidValidity) : '0';
      const previous = channel.cursor as Partial<ImapCursor> | null;
      const lastUid =
        previous?.uidValidity === uidValidity && typeof previous.lastUid === 'number' ? previous.lastUid : 0;
      const maxBytes = maxBytesOf(channel);
      const found: Array<{ uid: number; size: number }> = [];
      for await (const item of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
        if (item.uid > lastUid) found.push({ uid: item.uid, size: item.size ?? 0 });
      }
      found.sort((a, b) => a.uid - b.uid);
      const batch = found.slice(0, BATCH);
      const messages: IncomingMessage[] = [];
      for (const { uid, size } of batch) {
        if (size > maxBytes) {
          const head = await client.fetchOne(String(uid), { envelope: true }, { uid: true });
          const envelope = head ? head.envelope : undefined;
          const headers = {
            messageId: envelope?.messageId,
            from: envelope?.from?.[0]?.address?.toLowerCase(),
            subject: envelope?.subject,
            date: validDate(envelope?.date),
          };
          // without a Message-ID the id comes from what stays when the mailbox is renumbered (not the UID)
          const fallbackId = `imap:sha256:${createHash('sha256')
            .update(JSON.stringify([headers.from, headers.subject, headers.date?.toISOString(), size]))
            .digest('hex')}`;
          messages.push(oversizedMail(headers, size, maxBytes, fallbackId));
          continue;
        }
        const full = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (full && full.source) messages.push(await parseMail(full.source, { maxBytes }));
      }
      return { messages, cursor: { uidValidity, lastUid: batch.at(-1)?.uid ?? lastUid } };
    } finally {
      lock.release();
    }
  } catch (error) {
    throw signal.aborted
      ? new ChannelError('IMAP: the server did not answer in time; the poll was stopped', {
          retryable: true,
          cause: error,
        })
      : imapError(error);
  } finally {
    signal.removeEventListener('abort', abort);
    await client.logout().catch(() => client.close());
  }
}

/** Connects and logs in to check the mailbox settings. */
export async function checkMailbox(channel: ChannelRecord): Promise<string> {
  const client = imapClient(channel);
  try {
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
    return 'IMAP ok';
  } catch (error) {
    throw imapError(error);
  } finally {
    await client.logout().catch(() => client.close());
  }
}
