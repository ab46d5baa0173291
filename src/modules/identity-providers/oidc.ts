import * as client from 'openid-client';
import type { AppContext } from '../../platform/context.ts';
import { normaliseHost } from '../../platform/outbound/addresses.ts';
import { OutboundError } from '../../platform/outbound/outbound.ts';

/**
 * The OpenID Connect relying party, on `openid-client` (discovery, PKCE, the authorization code grant
 * with the ID token's signature, issuer, audience, expiry and nonce checked by the library). Every request
 * it makes — discovery, the keys (JWKS), the token and userinfo endpoints — goes through the platform's
 * outbound guard (`ctx.outbound`) through the library's `customFetch` option, so an issuer a city names
 * cannot make the server reach into its own network unless the operator allows the host.
 */

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1_000_000;
/** Discovered configurations are kept this long (the keys are fetched again by the library when they change). */
const CACHE_MS = 10 * 60_000;

export interface ClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
}

/** Why a provider could not be used: not reachable, or not answering as an OpenID provider must. */
export class ProviderProblem extends Error {
  readonly kind: 'unreachable' | 'invalid' | 'denied';
  constructor(kind: 'unreachable' | 'invalid' | 'denied', cause: unknown) {
    super(`identity provider ${kind}`, { cause });
    this.kind = kind;
  }
}

function guardedFetch(ctx: AppContext): client.CustomFetch {
  return async (url, options) => {
    const body = options.body as unknown;
    const text =
      body === undefined || body === null
        ? undefined
        : typeof body === 'string'
          ? body
          : body instanceof URLSearchParams
            ? body.toString()
            : body instanceof Uint8Array
              ? body
              : undefined;
    return ctx.outbound.fetch(url, {
      method: options.method,
      headers: options.headers,
      ...(text === undefined ? {} : { body: text }),
      ...(options.signal ? { signal: options.signal } : {}),
      redirect: 'manual',
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_BYTES,
    });
  };
}

/**
 * An issuer must be https; plain http only for a host the operator allows in OUTBOUND_ALLOW_HOSTS (a test
 * provider in the city's network, the tests' local provider).
 */
export function issuerAllowed(ctx: AppContext, issuer: URL): boolean {
  if (issuer.protocol === 'https:') return true;
  if (issuer.protocol !== 'http:') return false;
  const host = normaliseHost(issuer.hostname.replace(/^\[|\]$/g, ''));
  const port = Number(issuer.port || 80);
  return ctx.config.outbound.allowHosts.some(
    (entry) => entry.host === host && (entry.port === undefined || entry.port === port),
  );
}

/** Whether an error is a failure to reach the provider rather than a wrong answer. */
function unreachable(error: unknown): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof OutboundError) return true;
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return true;
  }
  return false;
}

export function problemOf(error: unknown): ProviderProblem {
  return error instanceof ProviderProblem
    ? error
    : new ProviderProblem(unreachable(error) ? 'unreachable' : 'invalid', error);
}

const cache = new Map<string, { at: number; configuration: client.Configuration }>();

/** Discovers the provider (`/.well-known/openid-configuration`) and builds the client's configuration. */
export async function discover(
  ctx: AppContext,
  settings: ClientSettings,
  cacheKey?: string,
): Promise<client.Configuration> {
  const cached = cacheKey ? cache.get(cacheKey) : undefined;
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.configuration;
  const issuer = new URL(settings.issuer);
  if (!issuerAllowed(ctx, issuer)) throw new ProviderProblem('invalid', new Error('issuer is not https'));
  const fetcher = guardedFetch(ctx);
  try {
    const configuration = await client.discovery(
      issuer,
      settings.clientId,
      undefined,
      settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
      {
        [client.customFetch]: fetcher,
        timeout: TIMEOUT_MS / 1000,
        // the ID token's signature is checked against the provider's keys even though it came straight
        // from the token endpoint (openid-client leaves it to TLS otherwise)
        execute: [
          client.enableNonRepudiationChecks,
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- plain http only for a host the operator allows (issuerAllowed)
          ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []),
        ],
      },
    );
    configuration[client.customFetch] = fetcher;
    if (cacheKey) cache.set(cacheKey, { at: Date.now(), configuration });
    return configuration;
  } catch (error) {
    throw problemOf(error);
  }
}

/** What the browser is sent to, and what must be kept to check the answer. */
export interface Authorization {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function authorizationRequest(
  configuration: client.Configuration,
  options: { redirectUri: string; scopes: string; language: string },
): Promise<Authorization> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: options.redirectUri,
    scope: options.scopes,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ui_locales: options.language,
  });
  return { url: url.href, state, nonce, codeVerifier };
}

/** The claims of a person the provider signed in, from the ID token and the userinfo endpoint. */
export interface Claims {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  birthdate: string | undefined;
}

/**
 * Exchanges the code for tokens and checks them (state, PKCE, the ID token's signature, issuer, audience,
 * expiry and nonce), then reads the userinfo endpoint when there is one (its `sub` must be the ID token's).
 */
export async function finishAuthorization(
  configuration: client.Configuration,
  callbackUrl: URL,
  checks: { state: string; nonce: string; codeVerifier: string },
): Promise<Claims> {
  try {
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new ProviderProblem('invalid', new Error('no ID token'));
    let claims: Record<string, unknown> = { ...idToken };
    if (tokens.access_token && configuration.serverMetadata().userinfo_endpoint) {
      const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      claims = { ...userinfo, ...idToken };
    }
    const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
    return {
      issuer: idToken.iss,
      subject: idToken.sub,
      email: text(claims.email)?.toLowerCase(),
      emailVerified: claims.email_verified === true,
      name:
        text(claims.name) ??
        ([text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ') || undefined),
      birthdate: text(claims.birthdate),
    };
  } catch (error) {
    if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied')
      throw new ProviderProblem('denied', error);
    throw problemOf(error);
  }
}
