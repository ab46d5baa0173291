import type { AppContext } from '../../../platform/context.ts';
import { OutboundError } from '../../../platform/outbound/outbound.ts';
import type {
  ChannelPost,
  ChannelProblem,
  DeliveryOutcome,
  PublishingDestination,
} from '../../../platform/publishing.ts';

/**
 * What the social adapters (Mastodon, Telegram, Facebook, Instagram) share: calling an API through the
 * platform's outbound guard without ever letting a credential into a message, telling a definite refusal
 * from doubt, and counting characters as the services do.
 *
 * A publish either knows what happened (the service answered: published, or refused) and returns it, or
 * it does not (the request may have reached the service: a timeout, a connection cut, a 5xx from a
 * proxy) and throws a `PublishDoubt`, after which the publishing module asks `status`, never `publish`.
 */

/** The outcome of a publish is unknown; `status` must find out. The message never holds credentials. */
export class PublishDoubt extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'PublishDoubt';
  }
}

/**
 * `status` cannot tell where a delivery stands now (the service is unreachable, or it has no way to be
 * asked): asking again later may help when `retryable`; otherwise staff confirm by hand.
 */
export class StatusUnknown extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'StatusUnknown';
    this.retryable = options.retryable;
  }
}

/** One answer of an API: status, headers and the body parsed as JSON (undefined when it is not JSON). */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/** Every credential value of a destination replaced by `[secret]` in a text meant for logs or staff. */
export function redact(text: string, destination: PublishingDestination): string {
  let safe = text;
  for (const value of Object.values(destination.secrets))
    if (typeof value === 'string' && value.length >= 4) safe = safe.split(value).join('[secret]');
  return safe.replace(/\s+/g, ' ').slice(0, 300);
}

/**
 * One HTTP exchange through `ctx.outbound`. An OutboundError (refused address, unreachable server…)
 * passes through unchanged: its message names no URL (Telegram puts the token in the path).
 */
export async function callApi(
  ctx: AppContext,
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    signal: AbortSignal;
    timeoutMs?: number;
  },
): Promise<ApiAnswer> {
  const response = await ctx.outbound.fetch(url, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: init.signal,
    timeoutMs: init.timeoutMs ?? 30_000,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** A JSON body; `{}` when it is not an object. */
export function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A text setting of a destination, trimmed ('' when absent). */
export function settingOf(destination: PublishingDestination, name: string): string {
  const value = destination.settings[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** A failed delivery that trying again cannot mend (a wrong token, a post the service refuses). */
export function refused(detail: string, destination: PublishingDestination): DeliveryOutcome {
  return { state: 'failed', retryable: false, detail: redact(detail, destination) };
}

/** A failed delivery that may succeed later (rate limited, nothing was sent). */
export function deferred(detail: string, destination: PublishingDestination): DeliveryOutcome {
  return { state: 'failed', retryable: true, detail: redact(detail, destination) };
}

/**
 * What an OutboundError means for a publish: a refused or invalid address is a definite failure (nothing
 * was sent); an unreachable server is doubt when the request may have been sent (`sent`), else a
 * failure worth retrying.
 */
export function outboundOutcome(
  error: unknown,
  destination: PublishingDestination,
  what: string,
  sent: boolean,
): DeliveryOutcome {
  if (!(error instanceof OutboundError)) throw error;
  if (error.code === 'OUTBOUND_UNREACHABLE' || error.code === 'OUTBOUND_RESPONSE_TOO_LARGE') {
    if (sent) throw new PublishDoubt(`${what}: ${error.message}`, { cause: error });
    return deferred(`${what}: ${error.message}`, destination);
  }
  return refused(`${what}: ${error.message}`, destination);
}

/** For `status`, `update`, `metrics`: an OutboundError as a StatusUnknown (retryable when unreachable). */
export function statusError(error: unknown, destination: PublishingDestination, what: string): never {
  if (error instanceof OutboundError)
    throw new StatusUnknown(redact(`${what}: ${error.message}`, destination), {
      retryable: error.retryable,
      cause: error,
    });
  throw error;
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), when there is one. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/giu;

/** User-perceived characters, each link counted as `linkCharacters` when given (Mastodon: 23). */
export function countCharacters(text: string, linkCharacters?: number): number {
  let counted = text;
  let links = 0;
  if (linkCharacters !== undefined)
    counted = text.replace(URL_PATTERN, () => {
      links += 1;
      return '';
    });
  return [...graphemes.segment(counted)].length + links * (linkCharacters ?? 0);
}

/** The hashtags written in a text (`#word`), as written. */
export function hashtagsIn(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)/gu)].map((match) => match[1] ?? '');
}

/** TOO_LONG when the counted text passes the limit. */
export function lengthProblem(count: number, limit: number, field: ChannelProblem['field'] = 'text'): ChannelProblem[] {
  return count > limit ? [{ code: 'TOO_LONG', field, limit, count }] : [];
}

/** ALT_TEXT_MISSING for a picture without alternative text. */
export function altProblems(post: ChannelPost): ChannelProblem[] {
  return post.media.some((media) => media.alt.trim() === '') ? [{ code: 'ALT_TEXT_MISSING', field: 'media' }] : [];
}

/** The text with the content warning before it, for channels that cannot show one. */
export function withWarning(post: ChannelPost): string {
  return post.contentWarning ? `${post.contentWarning}\n\n${post.text}` : post.text;
}

/** Waits, unless the signal ends first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}
