import type { SecretKeyRotation } from '../../../platform/module.ts';
import { findSealedChannels, storeSealedSecrets } from '../channels.repository.ts';
import { openSecretsIfReadable, sealSecrets } from './secrets.ts';

/**
 * Changing SECRET_KEY: every channel's credentials are opened with the old key and sealed again under the
 * new one. Credentials the old key cannot open stop the rotation (unless already under the new key, from an
 * earlier run); with --drop-unrecoverable they are removed, and staff enter them again on the channel's page.
 */
export const inboxSecretKeyRotation: SecretKeyRotation = {
  async rotate(tx, keys, options) {
    let resealed = 0;
    let already = 0;
    const unreadable: number[] = [];
    for (const channel of await findSealedChannels(tx)) {
      const secrets = openSecretsIfReadable(keys.old, channel.sealed);
      if (secrets) {
        await storeSealedSecrets(tx, channel.id, sealSecrets(keys.next, secrets));
        resealed++;
      } else if (openSecretsIfReadable(keys.next, channel.sealed)) already++;
      else unreadable.push(channel.id);
    }
    const done = [
      `inbox channels: credentials of ${resealed} sealed again under the new key${already ? `, ${already} already were` : ''}`,
    ];
    if (unreadable.length === 0) return { done };
    if (!options.dropUnrecoverable)
      return {
        done,
        blocked: `inbox channels ${unreadable.join(', ')}: OLD_SECRET_KEY cannot open their credentials. Run again with --drop-unrecoverable to remove them and enter them again on each channel's page.`,
      };
    for (const id of unreadable) await storeSealedSecrets(tx, id, null);
    return {
      done: [
        ...done,
        `inbox channels ${unreadable.join(', ')}: unreadable credentials removed; enter them again on each channel's page`,
      ],
    };
  },
};
