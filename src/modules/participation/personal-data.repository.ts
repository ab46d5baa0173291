import type { PersonalDataProvider } from '../../platform/module.ts';
import { sql } from 'kysely';
import './meetings.schema.ts';
import './participation.schema.ts';

/**
 * Participation in a resident's data export: the proposals, debates and comments they wrote (comments
 * on reports and budget projects too, each with its subject type and id), the
 * proposals they support and follow, and their votes on comments. Erasing anonymises authorship (the
 * texts stay, without a name) and unlinks supports and votes from the person while keeping them counted,
 * so no total changes once counted; supports of proposals still collecting supports are withdrawn
 * instead (the count is still open, and the person may come back with a new account); with
 * `removeContent` their proposals, debates and comments are also hidden. Flags are kept unlinked; follows are deleted; meeting registrations are deleted and their
 * places freed.
 */
export const participationPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const proposals = await tx
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
        'created_at',
      ])
      .where('author_id', '=', userId)
      .orderBy('id')
      .execute();
    const debates = await tx
      .selectFrom('participation_debate')
      .select(['id', 'process_id', 'title', 'body', 'created_at'])
      .where('author_id', '=', userId)
      .orderBy('id')
      .execute();
    const comments = await tx
      .selectFrom('participation_comment')
      .select(['id', 'subject_type', 'subject_id', 'parent_id', 'body', 'stance', 'hidden_at', 'created_at'])
      .where('author_id', '=', userId)
      .orderBy('id')
      .execute();
    const supports = await tx
      .selectFrom('participation_support')
      .select(['proposal_id', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('proposal_id')
      .execute();
    const follows = await tx
      .selectFrom('participation_follow')
      .select(['proposal_id', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('proposal_id')
      .execute();
    const votes = await tx
      .selectFrom('participation_comment_vote')
      .select(['comment_id', 'value', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('comment_id')
      .execute();
    const registrations = await tx
      .selectFrom('participation_meeting_registration')
      .select(['meeting_id', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('meeting_id')
      .execute();
    return {
      meetingRegistrations: registrations.map((r) => ({
        meetingId: r.meeting_id,
        createdAt: r.created_at.toISOString(),
      })),
      proposals: proposals.map((p) => ({
        id: p.id,
        processId: p.process_id,
        title: p.title,
        body: p.body,
        category: p.category,
        districtId: p.district_id,
        lat: p.lat,
        lng: p.lng,
        status: p.status,
        supports: p.supports_count,
        createdAt: p.created_at.toISOString(),
      })),
      debates: debates.map((d) => ({
        id: d.id,
        processId: d.process_id,
        title: d.title,
        body: d.body,
        createdAt: d.created_at.toISOString(),
      })),
      comments: comments.map((c) => ({
        id: c.id,
        on: c.subject_type,
        subjectId: c.subject_id,
        replyTo: c.parent_id,
        body: c.body,
        stance: c.stance,
        hidden: c.hidden_at !== null,
        createdAt: c.created_at.toISOString(),
      })),
      supports: supports.map((s) => ({ proposalId: s.proposal_id, createdAt: s.created_at.toISOString() })),
      follows: follows.map((f) => ({ proposalId: f.proposal_id, createdAt: f.created_at.toISOString() })),
      commentVotes: votes.map((v) => ({
        commentId: v.comment_id,
        value: v.value,
        createdAt: v.created_at.toISOString(),
      })),
    };
  },
  async erase(tx, userId, { removeContent }) {
    const now = new Date();
    if (removeContent) {
      await tx
        .updateTable('participation_proposal')
        .set({ hidden_at: now, hidden_reason: 'erased by its author' })
        .where('author_id', '=', userId)
        .where('hidden_at', 'is', null)
        .execute();
      await tx
        .updateTable('participation_debate')
        .set({ hidden_at: now, hidden_reason: 'erased by its author' })
        .where('author_id', '=', userId)
        .where('hidden_at', 'is', null)
        .execute();
      await tx
        .updateTable('participation_comment')
        .set({ hidden_at: now, hidden_reason: 'erased by its author' })
        .where('author_id', '=', userId)
        .where('hidden_at', 'is', null)
        .execute();
    }
    await tx.updateTable('participation_proposal').set({ author_id: null }).where('author_id', '=', userId).execute();
    await tx
      .updateTable('participation_proposal')
      .set({ answered_by: null })
      .where('answered_by', '=', userId)
      .execute();
    await tx.updateTable('participation_debate').set({ author_id: null }).where('author_id', '=', userId).execute();
    await tx.updateTable('participation_comment').set({ author_id: null }).where('author_id', '=', userId).execute();
    await tx.updateTable('participation_comment').set({ hidden_by: null }).where('hidden_by', '=', userId).execute();
    // A support of a proposal still collecting supports is withdrawn, as its supporter could withdraw
    // it that day (and could support again with a new account: counted once); the others stay counted
    // without the person.
    const withdrawn = await sql<{ proposal_id: number }>`
      delete from participation_support s using participation_proposal pr
      where s.user_id = ${userId} and pr.id = s.proposal_id
        and pr.status in ('published', 'threshold_reached') and pr.support_deadline > ${now}
      returning s.proposal_id`.execute(tx);
    if (withdrawn.rows.length > 0)
      await sql`update participation_proposal set supports_count = supports_count - 1
        where id in (${sql.join(withdrawn.rows.map((r) => r.proposal_id))})`.execute(tx);
    await tx.updateTable('participation_support').set({ user_id: null }).where('user_id', '=', userId).execute();
    await tx.updateTable('participation_comment_vote').set({ user_id: null }).where('user_id', '=', userId).execute();
    await tx.updateTable('participation_comment_flag').set({ user_id: null }).where('user_id', '=', userId).execute();
    await tx.deleteFrom('participation_follow').where('user_id', '=', userId).execute();
    const freed = await tx
      .deleteFrom('participation_meeting_registration')
      .where('user_id', '=', userId)
      .returning('meeting_id')
      .execute();
    if (freed.length > 0)
      await sql`update participation_meeting set registrations_count = registrations_count - 1 where id in (${sql.join(freed.map((r) => r.meeting_id))})`.execute(
        tx,
      );
    await tx.updateTable('participation_meeting').set({ minutes_by: null }).where('minutes_by', '=', userId).execute();
    await tx.updateTable('participation_plan').set({ uploaded_by: null }).where('uploaded_by', '=', userId).execute();
  },
};
