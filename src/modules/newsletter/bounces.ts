import { simpleParser } from 'mailparser';
import type { AppContext } from '../../platform/context.ts';
import { hmac, safeEqual } from '../../platform/auth/tokens.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isEmail } from '../../platform/validation.ts';
import { SOFT_BOUNCE_LIMIT } from './digest.ts';
import { recordBounce } from './newsletter.repository.ts';

/**
 * Bounces reach the newsletter two ways. At send time, the SMTP server's permanent refusal (5xx at RCPT
 * TO or DATA) is kept by the platform mailer on the mail (`failed`) and counted by the newsletter job
 * (digest.ts `recordRefusals`). Later, a delivery status notification (RFC 3464 `multipart/report;
 * report-type=delivery-status`) from a server further along is posted by the city's mail server to
 * `POST /newsletter/bounces` (a pipe transport or a webhook of the relay) with the city's bounce token
 * in the `X-Newsletter-Bounce-Token` header,
 * parsed here with mailparser.
 */

/** What a DSN says about one recipient. */
export interface DsnRecipient {
  address: string;
  action: string;
  status: string;
  kind: 'hard' | 'soft' | 'none';
}

/** The groups of `Field: value` lines of a message/delivery-status body, folded lines joined. */
function fieldGroups(text: string): Array<Map<string, string>> {
  const groups: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) groups.push(current);
      current = new Map();
      last = undefined;
    } else if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last) ?? ''} ${line.trim()}`);
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      current.set(last, line.slice(colon + 1).trim());
    }
  }
  if (current.size > 0) groups.push(current);
  return groups;
}

/**
 * A failure is hard when its status is permanent (5.x.x) — except a full mailbox (5.2.2), which passes
 * with time — and soft when it is transient (4.x.x, or given up after retrying). `delayed`, `delivered`,
 * `relayed` and `expanded` are no bounce.
 */
function classify(action: string, status: string): DsnRecipient['kind'] {
  if (action.toLowerCase() !== 'failed') return 'none';
  if (/^5\.2\.2/.test(status)) return 'soft';
  if (status.startsWith('5')) return 'hard';
  return 'soft';
}

/** The recipients a DSN reports on, or undefined when the mail is no delivery status notification. */
export async function parseDsn(raw: Buffer): Promise<DsnRecipient[] | undefined> {
  const parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextLinks: true });
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== 'multipart/report') return undefined;
  const report = parsed.attachments.find((part) =>
    ['message/delivery-status', 'message/global-delivery-status'].includes(part.contentType.toLowerCase()),
  );
  if (!report) return undefined;
  const [, ...perRecipient] = fieldGroups(report.content.toString('utf8'));
  const recipients: DsnRecipient[] = [];
  for (const fields of perRecipient) {
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
    if (!recipient) continue;
    const address = (recipient.split(';').pop() ?? '').trim().replace(/^<|>$/g, '').toLowerCase();
    if (!isEmail(address)) continue;
    const action = fields.get('action') ?? '';
    const status = /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? '';
    recipients.push({ address, action: action.toLowerCase(), status, kind: classify(action, status) });
  }
  return recipients;
}

/** The header that carries the city's bounce token (lower case, as Node gives header names). */
export const BOUNCE_TOKEN_HEADER = 'x-newsletter-bounce-token';

/** The token the city's mail server sends with delivery reports, in BOUNCE_TOKEN_HEADER. */
export function bounceToken(secretKey: string, organisationId: number): string {
  return hmac(secretKey, `newsletter-bounces:${organisationId}`);
}

export function bounceTokenMatches(secretKey: string, organisationId: number, given: string): boolean {
  return safeEqual(bounceToken(secretKey, organisationId), given);
}

/**
 * Counts the bounces a DSN reports against the city's subscribers (a hard one, or the third soft one,
 * stops the mail to the address). Answers what was counted; undefined when the body is no DSN.
 */
export async function recordDeliveryReport(
  ctx: AppContext,
  organisation: Organisation,
  raw: Buffer,
): Promise<{ hard: number; soft: number } | undefined> {
  const recipients = await parseDsn(raw);
  if (!recipients) return undefined;
  let hard = 0;
  let soft = 0;
  for (const recipient of recipients) {
    if (recipient.kind === 'none') continue;
    const state = await recordBounce(
      ctx.db,
      organisation.id,
      { email: recipient.address },
      recipient.kind === 'hard',
      SOFT_BOUNCE_LIMIT,
    );
    if (state === undefined) continue;
    if (recipient.kind === 'hard') hard++;
    else soft++;
  }
  return { hard, soft };
}
