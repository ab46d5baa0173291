// What the insights module reads of participation, through index.ts: per process, what residents did in
// a period (counts only, never who).

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';

export interface ProcessActivity {
  processId: number;
  title: Translated;
  proposals: number;
  supports: number;
  supporters: number;
  comments: number;
  commenters: number;
}

/** Proposals, supports and comments (on the process's proposals and debates) made in [from, to), per process. */
export async function processActivityBetween(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
): Promise<ProcessActivity[]> {
  const result = await sql<{
    id: number;
    title: Translated | string;
    proposals: string;
    supports: string;
    supporters: string;
    comments: string;
    commenters: string;
  }>`
    select p.id, p.title,
      (select count(*) from participation_proposal pr
        where pr.process_id = p.id and pr.hidden_at is null and pr.created_at >= ${from} and pr.created_at < ${to}) as proposals,
      s.supports, s.supporters, c.comments, c.commenters
    from participation_process p
    cross join lateral (
      select count(*) as supports, count(distinct s.user_id) as supporters
      from participation_support s join participation_proposal pr on pr.id = s.proposal_id
      where pr.process_id = p.id and s.created_at >= ${from} and s.created_at < ${to}
    ) s
    cross join lateral (
      select count(*) as comments, count(distinct cm.author_id) as commenters
      from participation_comment cm
      where cm.organisation_id = p.organisation_id and cm.hidden_at is null
        and cm.created_at >= ${from} and cm.created_at < ${to}
        and ((cm.subject_type = 'proposal' and cm.subject_id in (select id from participation_proposal where process_id = p.id))
          or (cm.subject_type = 'debate' and cm.subject_id in (select id from participation_debate where process_id = p.id)))
    ) c
    where p.organisation_id = ${organisationId}
    order by p.id`.execute(db);
  return result.rows.map((row) => ({
    processId: row.id,
    title: typeof row.title === 'string' ? (JSON.parse(row.title) as Translated) : row.title,
    proposals: Number(row.proposals),
    supports: Number(row.supports),
    supporters: Number(row.supporters),
    comments: Number(row.comments),
    commenters: Number(row.commenters),
  }));
}
