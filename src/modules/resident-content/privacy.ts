import type { PersonalDataProvider } from '../../platform/module.ts';
import { detachConsentsOfUser, findConsentsOfUser, withdrawConsent } from './consent.repository.ts';
import { movePost } from './posts.repository.ts';

/**
 * Consents given while signed in are the person's data: the export lists each consent with the post it
 * is about (as kept); erasure withdraws every consent still running (the posts leave the site and their
 * copies are erased) and detaches the records from the account. The record itself (handle, date, licence,
 * withdrawal) stays as the proof of consent the city must be able to show (GDPR art. 7(1)).
 */
export const residentContentPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const rows = await findConsentsOfUser(tx, userId);
    return {
      residentContent: rows.map((row) => ({
        consentId: row.id,
        post: {
          source: row.source,
          url: row.remote_url,
          author: row.author_handle ?? row.author_id,
          name: row.author_name,
          text: row.body,
          media: typeof row.media === 'string' ? (JSON.parse(row.media) as unknown) : row.media,
          postedAt: new Date(row.posted_at).toISOString(),
          state: row.state,
        },
        grantedAt: new Date(row.granted_at).toISOString(),
        via: row.via,
        licence: row.licence,
        validUntil: row.valid_until ? new Date(row.valid_until).toISOString() : null,
        withdrawnAt: row.withdrawn_at ? new Date(row.withdrawn_at).toISOString() : null,
        withdrawnVia: row.withdrawn_via,
      })),
    };
  },
  async erase(tx, userId) {
    for (const row of await findConsentsOfUser(tx, userId)) {
      await withdrawConsent(tx, row.id, 'account-erased');
      await movePost(tx, row.post_id, ['collected', 'asked', 'featured'], 'withdrawn');
    }
    await detachConsentsOfUser(tx, userId);
  },
};
