import type { SecretKeyRotation } from '../../platform/module.ts';
import { countCensusOfEveryCity, deleteCensusOfEveryCity } from './verification.repository.ts';

/**
 * The census is kept as keyed hashes (HMAC under SECRET_KEY) of document numbers and birth dates that are
 * not stored, so it cannot be carried to a new key: a rotation stops while there is one, unless the operator
 * lets it be removed and imports it again. Residents already verified stay verified; their stored hashes
 * stay under the old key, so the rule "one account per person" does not recognise them after the change.
 */
export const verificationSecretKeyRotation: SecretKeyRotation = {
  async rotate(tx, _keys, options) {
    const census = await countCensusOfEveryCity(tx);
    const entries = census.reduce((sum, city) => sum + city.entries, 0);
    if (entries === 0) return { done: ['census: none stored, nothing to carry over'] };
    if (!options.dropUnrecoverable)
      return {
        done: [],
        blocked:
          `census: ${entries} entries (cities ${census.map((city) => city.organisationId).join(', ')}) are keyed hashes of document ` +
          'numbers that are not stored, so they cannot be re-hashed under the new key. Run again with --drop-unrecoverable ' +
          'to remove them, then import each census again (/admin/verification). Residents already verified stay verified.',
      };
    const removed = await deleteCensusOfEveryCity(tx);
    return {
      done: [
        `census: removed ${removed} entries keyed with the old key; import each city's census again (/admin/verification). ` +
          'Residents already verified stay verified.',
      ],
    };
  },
};
