import type { PersonalDataProvider } from '../../platform/module.ts';
import { erasePersonalData, findPersonalData } from './opinion-maps.repository.ts';

/** A person's statements and votes; on erasure the votes stay anonymous (they shape the published groups). */
export const opinionMapsPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    return findPersonalData(tx, userId);
  },
  async erase(tx, userId, options) {
    await erasePersonalData(tx, userId, options.removeContent);
  },
};
