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

/** Mails read per poll; the rest come at the next one. */
const BATCH = 100;

/** An ImapFlow client for the channel's mailbox (settings imapHost, imapPort, imapTls, imapUser; secret imapPassword). */
export function imapClient(channel: ChannelRecord): ImapFlow {
  const host = setting(channel, 'imapHost').trim();
  if (!host) throw new ChannelError('IMAP: no server is set', { retryable: false });
  const tls = channel.settings.imapTls !== false && channel.settings.imapTls !== 'false';
  return new ImapFlow({
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
}

/** An IMAP failure as a ChannelError: a refused login is not retryable, the rest (network, server) is. */
export function imapError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const failed = typeof error === 'object' && error !== null && 'authenticationFailed' in error && Boolean(error.authenticationFailed);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return new ChannelError(failed ? 'IMAP: the server refused the user name or password' : `IMAP: ${code || (error instanceof Error ? error.message.slice(0, 200) : 'failure')}`, { retryable: !failed, cause: error });
}

/**
 * Reads new mail from the channel's INBOX, read-only (EXAMINE and BODY.PEEK: nothing is marked or
 * moved). The cursor is UIDVALIDITY plus the last UID read; when the server's UIDVALIDITY changes the
 * mailbox is read again from the start, and the inbox's Message-ID check stores nothing twice. A mail
 * above the size limit is not downloaded: a note with its headers is stored instead.
 */
export async function pollMailbox(channel: ChannelRecord, signal: AbortSignal): Promise<{ messages: IncomingMessage[]; cursor: ImapCursor }> {
  const client = imapClient(channel);
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      const mailbox = client.mailbox;
      const uidValidity = mailbox ? String(mailbox.uidValidity) : '0';
      const previous = channel.cursor as Partial<ImapCursor> | null;
      const lastUid = previous?.uidValidity === uidValidity && typeof previous.lastUid === 'number' ? previous.lastUid : 0;
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
          messages.push(oversizedMail({ messageId: envelope?.messageId, from: envelope?.from?.[0]?.address?.toLowerCase(), subject: envelope?.subject, date: envelope?.date ? new Date(envelope.date) : undefined }, size, maxBytes, `imap:${uidValidity}:${uid}`));
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
    throw imapError(error);
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
