import type { SecretKeyRotation } from '../../platform/module.ts';
import { openSecretsIfReadable, sealSecrets } from '../../platform/sealed.ts';
import { findSealedClientSecrets, storeSealedClientSecret } from './identity-providers.repository.ts';

/** The purpose of the key that seals the providers' client secrets (platform/sealed.ts). */
const PURPOSE = 'identity provider client secrets v1';

export function sealClientSecret(secretKey: string, secret: string): string {
  return sealSecrets(secretKey, PURPOSE, { secret });
}

/** The client secret, or undefined when it was sealed under another SECRET_KEY (or changed). */
export function openClientSecret(secretKey: string, sealed: string | null): string | undefined {
  return sealed ? openSecretsIfReadable(secretKey, PURPOSE, sealed)?.secret : undefined;
}

/** `npm run admin -- rotate-secret-key`: the client secrets sealed again under the new key. */
export const identityProvidersSecretKeyRotation: SecretKeyRotation = {
  async rotate(tx, keys, options) {
    let resealed = 0;
    const unreadable: number[] = [];
    for (const row of await findSealedClientSecrets(tx)) {
      const secret = openClientSecret(keys.old, row.client_secret_sealed);
      if (secret === undefined) {
        if (openClientSecret(keys.next, row.client_secret_sealed) === undefined) unreadable.push(row.id);
        continue;
      }
      await storeSealedClientSecret(tx, row.id, sealClientSecret(keys.next, secret));
      resealed++;
    }
    const done = [`identity providers: client secrets of ${resealed} providers sealed again under the new key`];
    if (unreadable.length === 0) return { done };
    if (!options.dropUnrecoverable)
      return {
        done,
        blocked: `identity providers ${unreadable.join(', ')}: OLD_SECRET_KEY cannot open their client secrets. Run again with --drop-unrecoverable to remove them, then enter them again (/admin/identity-providers).`,
      };
    for (const id of unreadable) await storeSealedClientSecret(tx, id, null);
    return {
      done: [
        ...done,
        `identity providers ${unreadable.join(', ')}: client secrets removed; enter them again (/admin/identity-providers)`,
      ],
    };
  },
};
