import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { Destination, Outbound } from '../../../../platform/outbound/outbound.ts';
import { ChannelError, type ChannelRecord, type IncomingMessage } from '../channel.ts';
import { channelErrorOf } from '../http.ts';
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

/** A mailbox connection: the client and the destination the outbound guard checked. */
interface Mailbox {
  client: ImapFlow;
  destination: Destination;
  outbound: Outbound;
}

/**
 * An ImapFlow client for the channel's mailbox (settings imapHost, imapPort, imapTls, imapUser; secret
 * imapPassword). The host goes through the outbound guard first, and the client connects to the address
 * the guard checked, with the host name for TLS.
 */
async function imapClient(channel: ChannelRecord, outbound: Outbound): Promise<Mailbox> {
  const host = setting(channel, 'imapHost').trim();
  if (!host) throw new ChannelError('IMAP: no server is set', { retryable: false });
  const tls = channel.settings.imapTls !== false && channel.settings.imapTls !== 'false';
  const port = Number(channel.settings.imapPort) || (tls ? 993 : 143);
  let destination: Destination;
  try {
    destination = await outbound.destination(host, port);
  } catch (error) {
    throw channelErrorOf('IMAP', error);
  }
  const client = new ImapFlow({
    host: destination.addresses[0]?.address ?? destination.host,
    ...(destination.servername ? { servername: destination.servername } : {}),
    port,
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
  return { client, destination, outbound };
}

/** A property of an error imapflow threw ('' when absent). */
function errorField(error: unknown, name: string): string {
  if (typeof error !== 'object' || error === null || !(name in error)) return '';
  const value: unknown = (error as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * An IMAP failure as a ChannelError: a refused login or a missing INBOX is not retryable, the rest
 * (network, server) is. A command the server refused says what the server answered (its text holds
 * no credentials: LOGIN failures are told apart before), so administrators see why. Every other
 * failure — refused, timed out, reset, TLS, not an IMAP server — is the outbound guard's one
 * OUTBOUND_UNREACHABLE, so a check does not tell an open port from a closed one (the log has the cause).
 */
function imapError(error: unknown, mailbox: Mailbox): ChannelError {
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
  const { destination } = mailbox;
  return channelErrorOf('IMAP', mailbox.outbound.unreachable(error, destination.host, destination.port));
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
  outbound: Outbound,
): Promise<{ messages: IncomingMessage[]; cursor: ImapCursor }> {
  const session = await imapClient(channel, outbound);
  const { client } = session;
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  let connected = false;
  try {
    signal.throwIfAborted();
    await client.connect();
    connected = true;
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
    // a deadline reached while connecting is a failure to connect like any other
    throw signal.aborted && connected
      ? new ChannelError('IMAP: the server did not answer in time; the poll was stopped', {
          retryable: true,
          cause: error,
        })
      : imapError(error, session);
  } finally {
    signal.removeEventListener('abort', abort);
    await client.logout().catch(() => client.close());
  }
}

/** Connects and logs in to check the mailbox settings. */
export async function checkMailbox(channel: ChannelRecord, outbound: Outbound): Promise<string> {
  const mailbox = await imapClient(channel, outbound);
  const { client } = mailbox;
  try {
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
    return 'IMAP ok';
  } catch (error) {
    throw imapError(error, mailbox);
  } finally {
    await client.logout().catch(() => client.close());
  }
}
