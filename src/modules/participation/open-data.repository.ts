// The public part of participation for the open-data module: keyset pages by id of what the public pages
// show. Never authors, supporters, registrations, votes, flags or moderators: only counts and texts.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export async function pagePublicProcesses(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('participation_process')
    .select([
      'id',
      'slug',
      'title',
      'description',
      'district_ids',
      'eligibility_level',
      'min_age',
      'max_age',
      'support_threshold',
      'support_days',
      'answer_days',
      'created_at',
      'updated_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Proposals not hidden by moderation, with the city's answer. */
export async function pagePublicProposals(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('participation_proposal')
    .select([
      'id',
      'process_id',
      'title',
      'body',
      'category',
      'district_id',
      'lat',
      'lng',
      'status',
      'supports_count',
      'threshold',
      'support_deadline',
      'threshold_reached_at',
      'answer_due_at',
      'answer_text',
      'answered_at',
      'withdrawn_at',
      'created_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('hidden_at', 'is', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function pagePublicDebates(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('participation_debate')
    .select(['id', 'process_id', 'title', 'body', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('hidden_at', 'is', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Comments not hidden, under a proposal or debate not hidden either (or a report or budget project). */
export async function pagePublicComments(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('participation_comment as c')
    .select([
      'c.id',
      'c.subject_type',
      'c.subject_id',
      'c.parent_id',
      'c.body',
      'c.stance',
      'c.ups',
      'c.downs',
      'c.created_at',
    ])
    .where('c.organisation_id', '=', organisationId)
    .where('c.hidden_at', 'is', null)
    .where((eb) =>
      eb.and([
        eb.not(
          eb.exists(
            eb
              .selectFrom('participation_proposal as p')
              .select('p.id')
              .whereRef('p.id', '=', 'c.subject_id')
              .where(eb.ref('c.subject_type'), '=', 'proposal')
              .where('p.hidden_at', 'is not', null),
          ),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom('participation_debate as d')
              .select('d.id')
              .whereRef('d.id', '=', 'c.subject_id')
              .where(eb.ref('c.subject_type'), '=', 'debate')
              .where('d.hidden_at', 'is not', null),
          ),
        ),
      ]),
    )
    .where('c.id', '>', afterId)
    .orderBy('c.id')
    .limit(limit)
    .execute();
}

/** Meetings, with their minutes once published. */
export async function pagePublicMeetings(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('participation_meeting')
    .select([
      'id',
      'process_id',
      'title',
      'description',
      'starts_at',
      'ends_at',
      'address',
      'lat',
      'lng',
      'online_url',
      'capacity',
      'registrations_count',
      sql`case when minutes_published_at is null then null else minutes end`.as('minutes'),
      'minutes_published_at',
      'updated_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

const STAMPS = {
  processes: ['participation_process', 'updated_at'],
  proposals: ['participation_proposal', 'created_at'],
  debates: ['participation_debate', 'created_at'],
  comments: ['participation_comment', 'created_at'],
  meetings: ['participation_meeting', 'updated_at'],
} as const;

/** When a participation dataset last changed (the newest stamp of its table). */
export async function participationModified(
  db: Executor,
  organisationId: number,
  dataset: keyof typeof STAMPS,
): Promise<Date | null> {
  const [table, column] = STAMPS[dataset];
  const row = await db
    .selectFrom(table)
    .select(sql<Date | null>`max(${sql.ref(column)})`.as('at'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}
