import type { PersonalDataProvider } from '../../platform/module.ts';
import { findParticipation, forgetPerson } from './surveys.repository.ts';

/**
 * A person's surveys: which they answered (the "has answered" rows) and their named responses. An
 * anonymous response holds nothing about anyone. Deleting the account keeps answers without the person.
 */
export const surveysPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    return { surveys: await findParticipation(tx, userId) };
  },
  async erase(tx, userId) {
    await forgetPerson(tx, userId);
  },
};
