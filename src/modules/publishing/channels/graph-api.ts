import type { AppContext } from '../../../platform/context.ts';
import type { DeliveryOutcome, PublishingDestination } from '../../../platform/publishing.ts';
import {
  callApi,
  deferred,
  numberOf,
  objectOf,
  redact,
  refused,
  settingOf,
  StatusUnknown,
  textOf,
} from './social-api.ts';

/**
 * Meta's Graph API for the Facebook page and Instagram adapters, with the inbox's conventions (so a
 * destination can share the inbox's Facebook or Instagram channel): base `https://graph.facebook.com`
 * and version `v21.0` unless the settings say otherwise (`graphBase`, `graphVersion`), the page access
 * token (`pageAccessToken`) in the Authorization header, JSON bodies.
 */

export const GRAPH_BASE = 'https://graph.facebook.com';
export const GRAPH_VERSION = 'v21.0';

export interface GraphAccount {
  base: string;
  token: string;
}

/** The Graph error object: `{ error: { message, type, code, error_subcode, is_transient, fbtrace_id } }`. */
export interface GraphError {
  code: number | undefined;
  subcode: number | undefined;
  message: string;
  transient: boolean;
}

export type GraphAnswer =
  { ok: true; status: number; body: Record<string, unknown> } | { ok: false; status: number; error: GraphError };

export function graphOf(destination: PublishingDestination): GraphAccount | string {
  const token = destination.secrets.pageAccessToken;
  if (!token) return 'Graph API: the page access token is not set';
  const base = (settingOf(destination, 'graphBase') || GRAPH_BASE).replace(/\/+$/, '');
  const version = settingOf(destination, 'graphVersion') || GRAPH_VERSION;
  if (!/^v\d+\.\d+$/.test(version)) return 'Graph API: the version is not of the form v21.0';
  return { base: `${base}/${version}`, token };
}

/** The account, or StatusUnknown (not retryable) when the destination lacks it. */
export function graphOrThrow(destination: PublishingDestination): GraphAccount {
  const account = graphOf(destination);
  if (typeof account === 'string') throw new StatusUnknown(account, { retryable: false });
  return account;
}

/** One Graph API call; an OutboundError passes through. */
export async function callGraphApi(
  ctx: AppContext,
  account: GraphAccount,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body: Record<string, unknown> | undefined,
  signal: AbortSignal,
): Promise<GraphAnswer> {
  const answer = await callApi(ctx, `${account.base}/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${account.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal,
  });
  const parsed = objectOf(answer.json);
  const error = objectOf(parsed.error);
  if (answer.status >= 200 && answer.status < 300 && parsed.error === undefined && answer.json !== undefined)
    return { ok: true, status: answer.status, body: parsed };
  return {
    ok: false,
    status: answer.status,
    error: {
      code: numberOf(error.code),
      subcode: numberOf(error.error_subcode),
      message: textOf(error.message) ?? (answer.text.slice(0, 200) || 'no answer'),
      transient: error.is_transient === true,
    },
  };
}

/** Rate limits and temporary blocks: trying again later helps (application, user, page, API limits). */
const THROTTLED = new Set([4, 17, 32, 341, 368, 613, 80001, 80002]);

export function describe(what: string, status: number, error: GraphError): string {
  return `${what}: HTTP ${status}${error.code === undefined ? '' : ` code ${error.code}`}${error.subcode === undefined ? '' : `/${error.subcode}`}: ${error.message}`;
}

/** The object does not exist (any more): code 100 with subcode 33, or a 404. */
export function isMissing(status: number, error: GraphError): boolean {
  return status === 404 || (error.code === 100 && error.subcode === 33);
}

/** Rate limited (or Instagram's daily publishing limit, subcode 2207042): nothing was done, try later. */
export function isThrottled(status: number, error: GraphError): boolean {
  return (error.code !== undefined && THROTTLED.has(error.code)) || status === 429 || error.subcode === 2207042;
}

/** Whether the failed request may have been carried out: the server failed or says it was transient. */
export function mayHaveActed(status: number, error: GraphError): boolean {
  return !isThrottled(status, error) && (status >= 500 || error.transient || error.code === 1 || error.code === 2);
}

/** A refusal as a failed outcome: throttled → retry later; an expired token (190) and the rest → not. */
export function graphFailure(
  what: string,
  status: number,
  error: GraphError,
  destination: PublishingDestination,
): DeliveryOutcome {
  const detail = describe(what, status, error);
  if (error.code === 190)
    return refused(`${what}: the page access token has expired or was revoked (code 190)`, destination);
  return isThrottled(status, error) || status >= 500 || error.transient
    ? deferred(detail, destination)
    : refused(detail, destination);
}

/** A refusal met while asking where a delivery stands. */
export function graphUnknown(
  what: string,
  status: number,
  error: GraphError,
  destination: PublishingDestination,
): never {
  throw new StatusUnknown(redact(describe(what, status, error), destination), {
    retryable: error.code !== 190 && (status >= 500 || error.transient || isThrottled(status, error)),
  });
}
