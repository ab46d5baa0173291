import { OutboundError, type Outbound } from '../../../platform/outbound/outbound.ts';
import { ChannelError } from './channel.ts';

/**
 * A refusal or failure of the platform's outbound guard as a ChannelError: the guard's code and message
 * after the channel's name (`Feed: OUTBOUND_ADDRESS_REFUSED: …`), retryable only when the server could
 * not be reached. Anything else passes through.
 */
export function channelErrorOf(what: string, error: OutboundError): ChannelError;
export function channelErrorOf(what: string, error: unknown): unknown;
export function channelErrorOf(what: string, error: unknown): unknown {
  return error instanceof OutboundError
    ? new ChannelError(`${what}: ${error.message}`, { retryable: error.retryable, cause: error })
    : error;
}

/**
 * Calls a channel's HTTP API through the outbound guard and returns the parsed JSON. Unreachable
 * servers, rate limits and server errors become retryable ChannelErrors; other refusals (a wrong token,
 * a bad request, an address the guard refuses) do not. The URL is not put in the message, because some
 * APIs carry the token in it (Telegram).
 */
export async function callChannelApi<T>(
  outbound: Outbound,
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal: AbortSignal;
    what: string;
    timeoutMs?: number;
  },
): Promise<T> {
  let response: Response;
  try {
    response = await outbound.fetch(url, {
      ...(init.method ? { method: init.method } : {}),
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: init.signal,
      timeoutMs: init.timeoutMs ?? 15_000,
    });
  } catch (error) {
    throw channelErrorOf(init.what, error);
  }
  const text = await response.text();
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500 || response.status === 408;
    throw new ChannelError(`${init.what}: HTTP ${response.status} ${summarise(text)}`, { retryable });
  }
  try {
    return (text === '' ? {} : JSON.parse(text)) as T;
  } catch (error) {
    throw new ChannelError(`${init.what}: the answer is not JSON`, { retryable: true, cause: error });
  }
}

/** The first line of an error body, short, for logs and the channel's status. */
function summarise(body: string): string {
  return body.replace(/\s+/g, ' ').slice(0, 200);
}
