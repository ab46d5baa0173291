import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { AppContext } from '../../../../platform/context.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelRecord,
  type OutgoingReply,
  type SentReply,
} from '../channel.ts';
import { checkMailbox, pollMailbox } from './imap.ts';
import type { Destination, Outbound } from '../../../../platform/outbound/outbound.ts';
import { isEmail } from '../../../../platform/validation.ts';
import { channelErrorOf } from '../http.ts';

/** A text setting of a channel ('' when absent or not text). */
function setting(channel: { settings: Record<string, unknown> }, name: string): string {
  const value = channel.settings[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * A nodemailer transport for the channel's outgoing server (settings smtpHost, smtpPort, smtpSecure,
 * smtpUser; secret smtpPassword), to the address the outbound guard checked, with the host name for TLS.
 */
async function smtpTransport(channel: ChannelRecord, outbound: Outbound) {
  const host = setting(channel, 'smtpHost').trim();
  if (!host) throw new ChannelError('SMTP: no outgoing server is set', { retryable: false });
  const secure = channel.settings.smtpSecure === true || channel.settings.smtpSecure === 'true';
  const user = setting(channel, 'smtpUser').trim();
  const port = Number(channel.settings.smtpPort) || (secure ? 465 : 587);
  let destination: Destination;
  try {
    destination = await outbound.destination(host, port);
  } catch (error) {
    throw channelErrorOf('SMTP', error);
  }
  const transport = nodemailer.createTransport({
    host: destination.addresses[0]?.address ?? destination.host,
    ...(destination.servername ? { servername: destination.servername } : {}),
    port,
    secure,
    ...(user ? { auth: { user, pass: channel.secrets.smtpPassword ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return { transport, destination, outbound };
}

/**
 * An SMTP failure as a ChannelError: permanent (5xx, refused login) or worth retrying (4xx, network).
 * A failure without an SMTP answer — refused, timed out, reset, TLS, not an SMTP server — is the
 * outbound guard's one OUTBOUND_UNREACHABLE, so a check does not tell an open port from a closed one.
 */
function smtpError(
  error: unknown,
  { destination, outbound }: { destination: Destination; outbound: Outbound },
): ChannelError {
  const responseCode =
    typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : undefined;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const answered = responseCode !== undefined && responseCode >= 200 && responseCode <= 599 && code !== 'EPROTOCOL';
  if (code !== 'EAUTH' && !answered)
    return channelErrorOf('SMTP', outbound.unreachable(error, destination.host, destination.port));
  const permanent = code === 'EAUTH' || (responseCode !== undefined && responseCode >= 500);
  return new ChannelError(
    `SMTP: ${code === 'EAUTH' ? 'the server refused the user name or password' : `the server answered ${responseCode}`}`,
    { retryable: !permanent, cause: error },
  );
}

function address(channel: ChannelRecord): string {
  const value = setting(channel, 'address').trim();
  if (!isEmail(value)) throw new ChannelError('E-mail: the channel has no address', { retryable: false });
  return value;
}

/**
 * Answers by mail from the channel's address, in the resident's thread: "Re: subject", In-Reply-To the
 * mail answered and References the whole thread, so their mail program shows it as one conversation.
 * The Message-ID is ours, so their answer to it threads into the same conversation when it comes in.
 */
async function reply(
  channel: ChannelRecord,
  answer: OutgoingReply,
  _signal: AbortSignal,
  ctx: AppContext,
): Promise<SentReply> {
  const to = answer.to.email ?? (answer.to.externalId.includes('@') ? answer.to.externalId : undefined);
  if (!to) throw new ChannelError('E-mail: the resident has no address', { retryable: false });
  const from = address(channel);
  const subject = answer.subject ? (/^re:/i.test(answer.subject) ? answer.subject : `Re: ${answer.subject}`) : 'Re:';
  const messageId = `<${randomUUID()}@${from.split('@')[1] ?? 'localhost'}>`;
  const references = answer.references.filter((id) => id.startsWith('<'));
  const smtp = await smtpTransport(channel, ctx.outbound);
  const { transport } = smtp;
  try {
    await transport.sendMail({
      from: { name: channel.name, address: from },
      to: answer.to.name ? { name: answer.to.name, address: to } : to,
      subject,
      text: answer.text,
      messageId,
      ...(answer.inReplyTo?.startsWith('<') ? { inReplyTo: answer.inReplyTo } : {}),
      ...(references.length > 0 ? { references } : {}),
    });
    return { externalId: messageId };
  } catch (error) {
    throw smtpError(error, smtp);
  } finally {
    transport.close();
  }
}

/** Logs in to the mailbox (IMAP) and the outgoing server (SMTP), those that are set. */
async function health(
  channel: ChannelRecord,
  _signal: AbortSignal,
  ctx: AppContext,
): Promise<{ ok: boolean; detail?: string }> {
  const details: string[] = [];
  try {
    if (channel.settings.imapHost) details.push(await checkMailbox(channel, ctx.outbound));
    if (channel.settings.smtpHost) {
      const smtp = await smtpTransport(channel, ctx.outbound);
      const { transport } = smtp;
      try {
        await transport.verify();
        details.push('SMTP ok');
      } catch (error) {
        throw smtpError(error, smtp);
      } finally {
        transport.close();
      }
    }
    return { ok: true, detail: details.join(', ') || 'nothing to check: no IMAP or SMTP server set' };
  } catch (error) {
    return { ok: false, detail: [...details, error instanceof Error ? error.message : String(error)].join(', ') };
  }
}

/** E-mail: the city's address receives through the inbound listener and/or IMAP, and answers by SMTP. */
export const emailAdapter: ChannelAdapter = {
  kind: 'email',
  fields: [
    {
      name: 'address',
      label: 'inbox.channels.field.address',
      hint: 'inbox.channels.field.addressHint',
      type: 'email',
      required: true,
    },
    {
      name: 'maxMegabytes',
      label: 'inbox.channels.field.maxMegabytes',
      hint: 'inbox.channels.field.maxMegabytesHint',
      type: 'number',
    },
    { name: 'imapHost', label: 'inbox.channels.field.imapHost', hint: 'inbox.channels.field.imapHostHint' },
    { name: 'imapPort', label: 'inbox.channels.field.imapPort', type: 'number' },
    { name: 'imapTls', label: 'inbox.channels.field.imapTls', type: 'checkbox' },
    { name: 'imapUser', label: 'inbox.channels.field.imapUser' },
    { name: 'imapPassword', label: 'inbox.channels.field.imapPassword', secret: true },
    { name: 'smtpHost', label: 'inbox.channels.field.smtpHost', hint: 'inbox.channels.field.smtpHostHint' },
    { name: 'smtpPort', label: 'inbox.channels.field.smtpPort', type: 'number' },
    { name: 'smtpSecure', label: 'inbox.channels.field.smtpSecure', type: 'checkbox' },
    { name: 'smtpUser', label: 'inbox.channels.field.smtpUser' },
    { name: 'smtpPassword', label: 'inbox.channels.field.smtpPassword', secret: true },
  ],
  pollEverySeconds: 120,
  async poll(channel, signal, ctx) {
    // without a mailbox the channel receives through the inbound listener only
    if (!channel.settings.imapHost) return { messages: [], cursor: channel.cursor };
    return pollMailbox(channel, signal, ctx.outbound);
  },
  reply,
  health,
};
