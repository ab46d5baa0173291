import { AsyncLocalStorage } from 'node:async_hooks';
import type { Outbound } from '../../platform/outbound/outbound.ts';

/** A delivery's answer larger than this is not read (Fedify reads at most a short error text of it). */
const MAX_ANSWER_BYTES = 1_000_000;
const DELIVERY_TIMEOUT_MS = 30_000;

const scope = new AsyncLocalStorage<Outbound>();
let installed = false;

/**
 * Runs `work` (Fedify handling a queued message: a fan-out, or one signed POST to an inbox) with every
 * `fetch` it makes going through the platform's outbound guard at send time: the inbox's host is resolved
 * and checked (a follower whose inbox is on a loopback, private or reserved address is refused unless
 * OUTBOUND_ALLOW_HOSTS allows it), the connection goes to the checked address, and each redirect is
 * checked again. Fedify calls the global `fetch` for deliveries and has no option to give it another, so
 * the global one is wrapped once: outside this scope it is the original, untouched.
 *
 * A refused or failed connection reaches Fedify as a failed delivery: counted by its circuit breaker for
 * that server and retried by its policy (the operator may allow the host meanwhile).
 */
export function withOutboundGuard<T>(outbound: Outbound, work: () => Promise<T>): Promise<T> {
  install();
  return scope.run(outbound, work);
}

function install(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async function guardedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const outbound = scope.getStore();
    if (!outbound) return original(input, init);
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    return outbound.fetch(request.url, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: request.signal,
      redirect: request.redirect === 'manual' ? 'manual' : 'follow',
      timeoutMs: DELIVERY_TIMEOUT_MS,
      maxBytes: MAX_ANSWER_BYTES,
    });
  };
}
