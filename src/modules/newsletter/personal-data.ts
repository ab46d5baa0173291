import type { PersonalDataProvider } from '../../platform/module.ts';
import { deleteSubscribersById, findSubscribersOfUser } from './newsletter.repository.ts';

/**
 * What the newsletter holds about an account: the subscription made while signed in, or any
 * subscription of the account's own address (the same person's data, even when they subscribed before
 * signing up). Erasing the account removes those subscriptions and what was sent to them.
 */
export const newsletterPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const rows = await findSubscribersOfUser(tx, userId);
    return {
      subscriptions: rows.map((row) => ({
        email: row.email,
        languages: row.languages,
        departmentIds: row.department_ids.map(Number),
        status: row.status,
        subscribedAt: row.created_at,
        confirmedAt: row.confirmed_at,
        softBounces: row.soft_bounces,
        bouncedAt: row.bounced_at,
      })),
    };
  },
  async erase(tx, userId) {
    const rows = await findSubscribersOfUser(tx, userId);
    await deleteSubscribersById(
      tx,
      rows.map((row) => row.id),
    );
  },
};
