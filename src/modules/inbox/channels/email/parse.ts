import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AttachmentInfo } from '../../inbox.schema.ts';
import type { ChannelRecord, IncomingMessage } from '../channel.ts';

/** The size limit of a mail when the channel sets none: 10 MB. */
export const DEFAULT_MAX_MEGABYTES = 10;

/** A channel's mail size limit in bytes (setting `maxMegabytes`, 1–50). */
export function maxBytesOf(channel: Pick<ChannelRecord, 'settings'>): number {
  const megabytes = Number(channel.settings.maxMegabytes);
  return Math.round(
    (Number.isFinite(megabytes) && megabytes >= 1 && megabytes <= 50 ? megabytes : DEFAULT_MAX_MEGABYTES) * 1024 * 1024,
  );
}

function firstAddress(
  value: AddressObject | AddressObject[] | undefined,
): { address: string; name: string } | undefined {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address) return { address: entry.address.toLowerCase(), name: entry.name };
    }
  }
  return undefined;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** The text of an HTML body when mailparser gave none: tags dropped, blocks on their own lines. */
function textOfHtml(markup: string): string {
  return markup
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|h\d|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Turns a mail's source into an inbox message: Message-ID as its id, In-Reply-To and the root of
 * References for threading, the sender as author, the text (from HTML when there is no plain part),
 * and its attachments described by name, type and size — their bytes are not kept. Attachments above
 * the channel's size limit are named in a note on the message. Mails in an unknown character set or
 * broken MIME are still stored, as the text that could be read, never refused with a crash.
 */
export async function parseMail(
  source: Buffer,
  options: { maxBytes: number; receivedAt?: Date },
): Promise<IncomingMessage> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(source, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch {
    return {
      externalId: `sha256:${createHash('sha256').update(source).digest('hex')}`,
      author: { externalId: 'unknown-sender' },
      text: `${source
        .toString('latin1')
        .replace(/[^\t\n\r\x20-\x7e\xa0-\xff]/g, '')
        .slice(0, 5000)}\n\n[The mail could not be read as MIME; its raw text is shown.]`,
      sentAt: options.receivedAt ?? new Date(),
    };
  }
  const from = firstAddress(mail.from) ?? { address: 'unknown-sender', name: '' };
  const references = (
    Array.isArray(mail.references) ? mail.references : mail.references ? mail.references.split(/\s+/) : []
  ).filter(Boolean);
  const messageId = mail.messageId ?? `sha256:${createHash('sha256').update(source).digest('hex')}`;
  const attachments: AttachmentInfo[] = [];
  const notes: string[] = [];
  for (const attachment of mail.attachments) {
    const filename = (attachment.filename ?? 'attachment').slice(0, 200);
    attachments.push({
      filename,
      contentType: attachment.contentType || 'application/octet-stream',
      size: attachment.size,
    });
    if (attachment.size > options.maxBytes)
      notes.push(
        `[Attachment ${filename} (${megabytes(attachment.size)} MB) is above the limit of ${megabytes(options.maxBytes)} MB and was not kept.]`,
      );
  }
  const body = mail.text?.trim() || (typeof mail.html === 'string' ? textOfHtml(mail.html) : '');
  return {
    externalId: messageId,
    threadKey: references[0] ?? mail.inReplyTo ?? messageId,
    inReplyTo: mail.inReplyTo ?? undefined,
    author: {
      externalId: from.address,
      email: from.address.includes('@') ? from.address : undefined,
      name: from.name || undefined,
    },
    subject: mail.subject,
    text: [body, ...notes].filter(Boolean).join('\n\n'),
    attachments,
    sentAt: mail.date ?? options.receivedAt ?? new Date(),
    raw: {
      messageId,
      inReplyTo: mail.inReplyTo ?? null,
      references,
      subject: mail.subject ?? null,
      from: from.address,
      date: mail.date?.toISOString() ?? null,
      bytes: source.length,
    },
  };
}

/** A note-only message for a mail too large to fetch, so staff know it arrived. */
export function oversizedMail(
  headers: {
    messageId?: string | undefined;
    from?: string | undefined;
    subject?: string | undefined;
    date?: Date | undefined;
  },
  bytes: number,
  maxBytes: number,
  fallbackId: string,
): IncomingMessage {
  return {
    externalId: headers.messageId ?? fallbackId,
    author: {
      externalId: headers.from ?? 'unknown-sender',
      email: headers.from?.includes('@') ? headers.from : undefined,
    },
    subject: headers.subject,
    text: `[This mail of ${megabytes(bytes)} MB is above the limit of ${megabytes(maxBytes)} MB; only its headers were read.]`,
    sentAt: headers.date ?? new Date(),
  };
}
