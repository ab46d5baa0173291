import { openSecretsIfReadable, sealSecrets } from '../../platform/sealed.ts';
import type { SecretKeyRotation } from '../../platform/module.ts';
import { newSecret } from './signing.ts';
import { findSealedSecrets, storeSealedSecrets } from './subscriptions.repository.ts';

/** The purpose of the key that seals the subscriptions' signing secrets (platform/sealed.ts). */
const PURPOSE = 'webhooks signing secrets v1';

export function sealSecret(secretKey: string, secret: string): string {
  return sealSecrets(secretKey, PURPOSE, { secret });
}

/** The secret, or undefined when it was sealed under another SECRET_KEY (or changed). */
export function openIfReadable(secretKey: string, sealed: string): string | undefined {
  return openSecretsIfReadable(secretKey, PURPOSE, sealed)?.secret;
}

/** `npm run admin -- rotate-secret-key`: the signing secrets sealed again under the new key. */
export const webhooksSecretKeyRotation: SecretKeyRotation = {
  async rotate(tx, keys, options) {
    let resealed = 0;
    const unreadable: number[] = [];
    for (const row of await findSealedSecrets(tx)) {
      const secret = openIfReadable(keys.old, row.secretSealed);
      if (!secret) {
        if (openIfReadable(keys.next, row.secretSealed) === undefined) unreadable.push(row.id);
        continue;
      }
      const previous = row.previousSecretSealed ? openIfReadable(keys.old, row.previousSecretSealed) : undefined;
      await storeSealedSecrets(
        tx,
        row.id,
        sealSecret(keys.next, secret),
        previous ? sealSecret(keys.next, previous) : null,
      );
      resealed++;
    }
    const done = [`webhooks: signing secrets of ${resealed} subscriptions sealed again under the new key`];
    if (unreadable.length === 0) return { done };
    if (!options.dropUnrecoverable)
      return {
        done,
        blocked: `webhook subscriptions ${unreadable.join(', ')}: OLD_SECRET_KEY cannot open their signing secrets. Run again with --drop-unrecoverable to give them new secrets.`,
      };
    for (const id of unreadable) await storeSealedSecrets(tx, id, sealSecret(keys.next, newSecret()), null);
    return {
      done: [
        ...done,
        `webhook subscriptions ${unreadable.join(', ')}: new signing secrets; their receivers need the new secret shown on the subscription’s page`,
      ],
    };
  },
};
