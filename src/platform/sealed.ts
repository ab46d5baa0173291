import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Credentials (bot tokens, app secrets, mailbox passwords) stored sealed with AES-256-GCM under a key
 * derived from the installation's SECRET_KEY and a purpose (each kind of secret its own key), so a
 * database dump alone does not give them away. Format: `v1.` + base64url(iv ‖ tag ‖ ciphertext) of
 * the JSON object. The inbox's channels use the purpose `inbox channel secrets v1`.
 */
function keyFrom(secretKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'interactive-city', purpose, 32));
}

/** Seals a credentials object. */
export function sealSecrets(secretKey: string, purpose: string, secrets: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secretKey, purpose), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

/** Opens sealed credentials; throws when the key is wrong or the text was changed. */
export function openSecrets(secretKey: string, purpose: string, sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  if (!sealed.startsWith('v1.')) throw new Error('Unknown format of sealed credentials');
  const bytes = Buffer.from(sealed.slice(3), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secretKey, purpose), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  return JSON.parse(text) as Record<string, string>;
}

/**
 * Opens sealed credentials, or answers undefined when they cannot be opened: sealed under another
 * SECRET_KEY (data copied from another installation, a key changed without `npm run admin --
 * rotate-secret-key`) or changed. Pages show them as needing to be entered again.
 */
export function openSecretsIfReadable(
  secretKey: string,
  purpose: string,
  sealed: string | null,
): Record<string, string> | undefined {
  try {
    return openSecrets(secretKey, purpose, sealed);
  } catch {
    return undefined;
  }
}
