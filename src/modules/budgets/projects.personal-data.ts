import type { PersonalDataProvider } from '../../platform/module.ts';
import { budgetsPersonalData } from './budgets.home.ts';
import { eraseResidentData, exportResidentData } from './projects.repository.ts';

/**
 * Budgets in a resident's data export and erasure: their ballots (budgetsPersonalData), plus the
 * projects they proposed and the projects they support. Erasing keeps ballots and supports whose phase
 * is over counted without the person, withdraws those of a phase still open, and unlinks their
 * projects (deleting those only proposed when they ask to remove what they wrote).
 */
export const budgetsAndProjectsPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    return { ...(await budgetsPersonalData.export(tx, userId)), ...(await exportResidentData(tx, userId)) };
  },
  async erase(tx, userId, options) {
    await budgetsPersonalData.erase(tx, userId, options);
    await eraseResidentData(tx, userId, options.removeContent);
  },
};
