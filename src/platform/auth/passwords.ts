import { argon2 as argon2Callback, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

/**
 * Argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane), from Node's own `crypto`
 * (Node ≥ 24.7; no native addon). Stored in the PHC string format other tools read:
 * `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64 without padding).
 */
export const ARGON2ID = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;

function argon2id(
  password: string,
  salt: Buffer,
  parameters: { memory: number; passes: number; parallelism: number; tagLength: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2Callback('argon2id', { message: password.normalize('NFKC'), nonce: salt, ...parameters }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, 64, { N: n, r, p, maxmem: 256 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const base64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** Hashes a password with Argon2id; the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await argon2id(password, salt, ARGON2ID);
  return `$argon2id$v=19$m=${ARGON2ID.memory},t=${ARGON2ID.passes},p=${ARGON2ID.parallelism}$${base64(salt)}$${base64(key)}`;
}

interface Argon2Hash {
  scheme: 'argon2id';
  memory: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
  hash: Buffer;
}

interface ScryptHash {
  scheme: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const SMALL_NUMBER = /^[1-9]\d{0,7}$/;

/** Reads a stored hash: Argon2id (PHC string) or the scrypt hashes written before (`scrypt$N$r$p$salt$hash`). */
function parseHash(stored: string): Argon2Hash | ScryptHash | undefined {
  const argon = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (argon) {
    const [, m, t, p, salt, hash] = argon as unknown as [string, string, string, string, string, string];
    if (![m, t, p].every((value) => SMALL_NUMBER.test(value))) return undefined;
    return {
      scheme: 'argon2id',
      memory: Number(m),
      passes: Number(t),
      parallelism: Number(p),
      salt: Buffer.from(salt, 'base64'),
      hash: Buffer.from(hash, 'base64'),
    };
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return undefined;
  if (![n, r, p].every((value) => SMALL_NUMBER.test(value))) return undefined;
  return {
    scheme: 'scrypt',
    n: Number(n),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
}

export interface PasswordCheck {
  valid: boolean;
  /** The hash was made with older parameters or an older scheme: store a new one now that the password is known. */
  rehash: boolean;
}

/** Checks a password against a stored hash in constant time, and says whether the hash should be renewed. */
export async function checkPassword(password: string, stored: string): Promise<PasswordCheck> {
  const parsed = parseHash(stored);
  if (!parsed) return { valid: false, rehash: false };
  const actual =
    parsed.scheme === 'argon2id'
      ? await argon2id(password, parsed.salt, {
          memory: parsed.memory,
          passes: parsed.passes,
          parallelism: parsed.parallelism,
          tagLength: parsed.hash.length,
        })
      : await scrypt(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  const valid = actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
  const current =
    parsed.scheme === 'argon2id' &&
    parsed.memory === ARGON2ID.memory &&
    parsed.passes === ARGON2ID.passes &&
    parsed.parallelism === ARGON2ID.parallelism &&
    parsed.hash.length === ARGON2ID.tagLength;
  return { valid, rehash: valid && !current };
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return (await checkPassword(password, stored)).valid;
}

/** A hash of a random password, to spend the same time when an account does not exist. */
export const DUMMY_HASH_PROMISE: Promise<string> = hashPassword(randomBytes(16).toString('hex'));

/** A random password a person can type, for demo accounts. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
