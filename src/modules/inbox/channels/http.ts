import { ChannelError } from './channel.ts';

/**
 * Calls a channel's HTTP API and returns the parsed JSON. Time-outs, network failures, rate limits and
 * server errors become retryable ChannelErrors; other refusals (a wrong token, a bad request) do not.
 * The URL is not put in the message, because some APIs carry the token in it (Telegram).
 */
export async function callChannelApi<T>(
  url: string,
  init: RequestInit & { signal: AbortSignal; what: string; timeoutMs?: number },
): Promise<T> {
  const signal = AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs ?? 15_000)]);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (error) {
    throw new ChannelError(
      `${init.what}: the channel did not answer (${error instanceof Error ? error.name : 'network error'})`,
      { retryable: true, cause: error },
    );
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
