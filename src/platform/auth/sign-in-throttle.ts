import { isIPv4, isIPv6 } from 'node:net';
import type { Config } from '../config.ts';
import type { Executor } from '../db/database.ts';
import { clearRateLimit, consumeRateLimit, peekRateLimit } from './rate-limit.ts';
import { hmac } from './tokens.ts';

/**
 * Slowing of password guessing, without locks. Failed sign-ins are counted per address typed (known or
 * not: the answer never tells them apart) and per network they come from. Once either count is over its
 * limit, attempts are refused for the rest of the window without checking the password — except from a
 * network the account's owner has signed in from before, where the right password always works: an attacker
 * elsewhere cannot lock the mayor out. Counters and networks are stored as keyed hashes, never as addresses.
 */

/** Days a network stays "usual" for an account after its last successful sign-in there. */
const KNOWN_NETWORK_DAYS = 180;

type ThrottleConfig = Pick<Config, 'secretKey' | 'rateLimits'>;

/** The network a sign-in comes from, as the owner's "usual place": IPv4 /24, IPv6 /56. */
export function networkOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(address)) {
    const [a, b, c, d = '0000'] = expandIPv6(address);
    return `${a}:${b}:${c}:${d.slice(0, 2)}00::/56`;
  }
  return address;
}

/** The sender counted by the per-network limit: an IPv4 address, or an IPv6 /64 (one host's usual share). */
function senderOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
  return address;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right].map((group) => group.padStart(4, '0'));
}

const addressKey = (config: ThrottleConfig, email: string): string =>
  `sign-in-failures:address:${hmac(config.secretKey, `sign-in:${email.trim().toLowerCase()}`)}`;
const senderKey = (config: ThrottleConfig, ip: string): string =>
  `sign-in-failures:sender:${hmac(config.secretKey, `sign-in:${senderOf(ip)}`)}`;
const networkKey = (config: ThrottleConfig, ip: string): string => hmac(config.secretKey, `network:${networkOf(ip)}`);

export interface SignInAttempt {
  organisationId: number;
  email: string;
  ip: string;
  /** The account of that address, when there is one. */
  userId: number | null;
}

/** Whether an attempt may be checked now, or how long to wait. */
export async function signInAllowed(
  db: Executor,
  config: ThrottleConfig,
  attempt: SignInAttempt,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  if (attempt.userId !== null && (await isUsualNetwork(db, config, attempt.userId, attempt.ip)))
    return { allowed: true };
  const { signInAddress, signIn } = config.rateLimits;
  for (const rule of [
    { key: addressKey(config, attempt.email), ...signInAddress },
    { key: senderKey(config, attempt.ip), ...signIn },
  ]) {
    const state = await peekRateLimit(db, attempt.organisationId, rule);
    if (!state.allowed) return { allowed: false, retryAfterSeconds: state.retryAfterSeconds };
  }
  return { allowed: true };
}

/** Counts a wrong password against the address and the sender. */
export async function recordFailedSignIn(db: Executor, config: ThrottleConfig, attempt: SignInAttempt): Promise<void> {
  const { signInAddress, signIn } = config.rateLimits;
  await consumeRateLimit(db, attempt.organisationId, { key: addressKey(config, attempt.email), ...signInAddress });
  await consumeRateLimit(db, attempt.organisationId, { key: senderKey(config, attempt.ip), ...signIn });
}

/** After the right password: the network becomes one of the owner's usual ones, the address's failures are forgotten. */
export async function recordSuccessfulSignIn(
  db: Executor,
  config: ThrottleConfig,
  attempt: SignInAttempt & { userId: number },
): Promise<void> {
  await db
    .insertInto('core_sign_in_network')
    .values({
      organisation_id: attempt.organisationId,
      user_id: attempt.userId,
      network: networkKey(config, attempt.ip),
    })
    .onConflict((conflict) => conflict.columns(['user_id', 'network']).doUpdateSet({ last_seen_at: new Date() }))
    .execute();
  await clearRateLimit(db, attempt.organisationId, addressKey(config, attempt.email));
}

async function isUsualNetwork(db: Executor, config: ThrottleConfig, userId: number, ip: string): Promise<boolean> {
  const row = await db
    .selectFrom('core_sign_in_network')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('network', '=', networkKey(config, ip))
    .where('last_seen_at', '>', new Date(Date.now() - KNOWN_NETWORK_DAYS * 86_400_000))
    .executeTakeFirst();
  return row !== undefined;
}

/** How many wrong passwords were typed for an address in the current window (for administrators). */
export async function failedSignIns(
  db: Executor,
  config: ThrottleConfig,
  organisationId: number,
  email: string,
): Promise<{ failures: number; slowed: boolean }> {
  const state = await peekRateLimit(db, organisationId, {
    key: addressKey(config, email),
    ...config.rateLimits.signInAddress,
  });
  return { failures: state.hits, slowed: !state.allowed };
}

/** Forgets an address's failed sign-ins (an administrator helping someone who typed wrong passwords). */
export async function clearFailedSignIns(
  db: Executor,
  config: ThrottleConfig,
  organisationId: number,
  email: string,
): Promise<void> {
  await clearRateLimit(db, organisationId, addressKey(config, email));
}
