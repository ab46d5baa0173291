import * as sealed from '../../../platform/sealed.ts';

/**
 * Channel credentials are sealed by platform/sealed.ts under the purpose below (the key derivation the
 * inbox always used, so credentials sealed before the helper moved to the platform open as they did).
 */
const PURPOSE = 'inbox channel secrets v1';

/** Seals a credentials object for the `inbox_channel.secrets` column. */
export function sealSecrets(secretKey: string, secrets: Record<string, string>): string {
  return sealed.sealSecrets(secretKey, PURPOSE, secrets);
}

/** Opens sealed credentials, or undefined when they cannot be opened (another SECRET_KEY, changed text). */
export function openSecretsIfReadable(secretKey: string, value: string | null): Record<string, string> | undefined {
  return sealed.openSecretsIfReadable(secretKey, PURPOSE, value);
}

/** Opens sealed credentials; throws when the key is wrong or the text was changed. */
export function openSecrets(secretKey: string, value: string | null): Record<string, string> {
  return sealed.openSecrets(secretKey, PURPOSE, value);
}
