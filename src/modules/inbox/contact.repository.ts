import type { Db, Executor } from '../../platform/db/database.ts';
import './inbox.schema.ts';

/* The public contact form: threading a person's messages and keeping the place they gave. */

/** The thread key of this person's latest contact-form conversation active since `since` and not yet a report. */
export async function findWebThreadFor(
  db: Executor,
  channelId: number,
  email: string,
  since: Date,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('inbox_conversation as c')
    .innerJoin('inbox_author as a', 'a.id', 'c.author_id')
    .select('c.thread_key')
    .where('c.channel_id', '=', channelId)
    .where('a.external_id', '=', email)
    .where('c.last_message_at', '>=', since)
    .where('c.report_id', 'is', null)
    .where('c.proposal_id', 'is', null)
    .orderBy('c.last_message_at', 'desc')
    .executeTakeFirst();
  return row?.thread_key;
}

/** Records the district and place a resident gave with a contact-form message. */
export async function setMessagePlace(
  db: Db,
  channelId: number,
  externalId: string,
  districtId: number | null,
  place: string | null,
): Promise<void> {
  await db
    .updateTable('inbox_message')
    .set({ district_id: districtId, place })
    .where('channel_id', '=', channelId)
    .where('external_id', '=', externalId)
    .execute();
}
