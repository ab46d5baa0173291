import type { SecretKeyRotation } from '../../platform/module.ts';
import { findSealedActorKeys, replaceActorKeys, storeSealedActorKeys } from './fediverse.repository.ts';
import { generateActorKeys, openKeyIfReadable, sealKey } from './keys.ts';

/**
 * Changing SECRET_KEY: every actor's private keys are opened with the old key and sealed under the new one.
 * Keys neither key opens stop the rotation: new keys would make every follower's server distrust the
 * actor's old signatures, so the operator must say so (--drop-unrecoverable), and then the actors get new
 * key pairs (remote servers fetch the new public keys when a signature no longer matches).
 */
export const fediverseSecretKeyRotation: SecretKeyRotation = {
  async rotate(tx, keys, options) {
    let resealed = 0;
    let already = 0;
    const unreadable: number[] = [];
    for (const actor of await findSealedActorKeys(tx)) {
      const rsa = openKeyIfReadable(keys.old, actor.rsaPrivate);
      const ed = openKeyIfReadable(keys.old, actor.ed25519Private);
      if (rsa && ed) {
        await storeSealedActorKeys(tx, actor.id, {
          rsaPrivate: sealKey(keys.next, rsa),
          ed25519Private: sealKey(keys.next, ed),
        });
        resealed++;
      } else if (openKeyIfReadable(keys.next, actor.rsaPrivate) && openKeyIfReadable(keys.next, actor.ed25519Private))
        already++;
      else unreadable.push(actor.id);
    }
    const done = [
      `fediverse actors: private keys of ${resealed} sealed again under the new key${already ? `, ${already} already were` : ''}`,
    ];
    if (unreadable.length === 0) return { done };
    if (!options.dropUnrecoverable)
      return {
        done,
        blocked: `fediverse actors ${unreadable.join(', ')}: OLD_SECRET_KEY cannot open their private keys. Run again with --drop-unrecoverable to give them new key pairs.`,
      };
    for (const id of unreadable) await replaceActorKeys(tx, id, await generateActorKeys(keys.next));
    return { done: [...done, `fediverse actors ${unreadable.join(', ')}: new private keys generated`] };
  },
};
