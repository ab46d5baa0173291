import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AppContext } from '../../../../platform/context.ts';
import { findChannelRecord, findEmailChannelsByAddress } from '../../channels.repository.ts';
import { ingestMessages } from '../../ingest.ts';
import type { ChannelRecord } from '../channel.ts';
import { maxBytesOf, parseMail } from './parse.ts';

/** The most any channel may accept; the SIZE the listener announces. */
const HARD_LIMIT = 50 * 1024 * 1024;

/** An SMTP reply with its code, as smtp-server sends errors. */
function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The enabled e-mail channels (in any city of the installation) whose address is this one. */
async function channelsFor(ctx: AppContext, address: string): Promise<ChannelRecord[]> {
  const rows = await findEmailChannelsByAddress(ctx.db, address);
  const channels: ChannelRecord[] = [];
  for (const row of rows) {
    const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, row.organisation_id, row.id, 'email');
    if (channel) channels.push(channel);
  }
  return channels;
}

export interface InboundMail {
  port: number;
  close(): Promise<void>;
}

/**
 * The installation's inbound mail listener (INBOUND_SMTP_PORT): accepts mail only for the addresses of
 * enabled e-mail channels (anything else is refused at RCPT TO, so it is no relay and no spam trap),
 * refuses a mail above its channel's size limit with the SMTP size error (552), and stores each mail in
 * the inbox of every channel it was addressed to. The mail is acknowledged (250) only once stored; if
 * storing fails the sender is told to try again later (451), so no accepted mail is lost.
 */
export async function startInboundMail(ctx: AppContext, options: { port: number; host: string }): Promise<InboundMail> {
  const server = new SMTPServer({
    name: ctx.config.publicUrl.hostname,
    banner: 'Interactive City inbox',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: HARD_LIMIT,
    maxClients: 50,
    socketTimeout: 60_000,
    logger: false,
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      void acceptRecipient(address.address, session).then(callback);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= HARD_LIMIT) chunks.push(chunk);
      });
      stream.on('error', () => callback(smtpError(451, '4.3.0 Temporary failure, try again later')));
      stream.on('end', () => {
        void deliver(Buffer.concat(chunks), bytes, stream.sizeExceeded, session).then(callback, (error: unknown) => {
          ctx.log.error({ error: error instanceof Error ? error.message : String(error) }, 'inbound mail not stored');
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        });
      });
    },
  });

  /** RCPT TO: only the address of an enabled e-mail channel, and not a mail declared larger than its limit. */
  async function acceptRecipient(address: string, session: SMTPServerSession): Promise<Error | null> {
    try {
      const channels = await channelsFor(ctx, address);
      if (channels.length === 0) return smtpError(550, '5.1.1 No such mailbox here');
      const args: unknown = session.envelope.mailFrom ? session.envelope.mailFrom.args : undefined;
      const declared = args && typeof args === 'object' ? Number((args as Record<string, string>).SIZE ?? 0) : 0;
      if (declared > Math.max(...channels.map(maxBytesOf)))
        return smtpError(552, '5.3.4 Message size exceeds fixed maximum message size');
      return null;
    } catch (error) {
      ctx.log.error(
        { error: error instanceof Error ? error.message : String(error) },
        'inbound mail: recipient lookup failed',
      );
      return smtpError(451, '4.3.0 Temporary failure, try again later');
    }
  }

  async function deliver(
    source: Buffer,
    bytes: number,
    sizeExceeded: boolean,
    session: SMTPServerSession,
  ): Promise<Error | null> {
    const channels = (await Promise.all(session.envelope.rcptTo.map((rcpt) => channelsFor(ctx, rcpt.address)))).flat();
    const unique = [...new Map(channels.map((channel) => [channel.id, channel])).values()];
    const limit = Math.max(0, ...unique.map(maxBytesOf));
    if (sizeExceeded || bytes > limit) {
      ctx.log.info({ bytes, limit }, 'inbound mail refused: too large');
      return smtpError(552, '5.3.4 Message size exceeds fixed maximum message size');
    }
    for (const channel of unique) {
      const message = await parseMail(source, { maxBytes: maxBytesOf(channel) });
      const outcome = await ingestMessages(ctx.db, ctx.jobs, channel, [message]);
      ctx.log.info(
        { channelId: channel.id, stored: outcome.stored, duplicates: outcome.duplicates },
        'inbound mail received',
      );
    }
    return null;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error: Error) => ctx.log.warn({ error: error.message }, 'inbound mail listener error'));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  ctx.log.info({ port }, 'inbound mail listener started');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
