import type { Executor, Tx } from '../../platform/db/database.ts';
import './inbox.schema.ts';

/** The city's conversations linked to a report, on channels not archived, with the channel's kind. */
export async function findReportLinkedConversations(db: Executor, organisationId: number) {
  return db
    .selectFrom('inbox_conversation as c')
    .innerJoin('inbox_channel as ch', 'ch.id', 'c.channel_id')
    .select(['c.id', 'c.report_id', 'ch.kind'])
    .where('c.organisation_id', '=', organisationId)
    .where('c.report_id', 'is not', null)
    .where('ch.archived_at', 'is', null)
    .execute();
}

/** The city's conversations linked to a proposal, on channels not archived, with the channel's kind. */
export async function findProposalLinkedConversations(db: Executor, organisationId: number) {
  return db
    .selectFrom('inbox_conversation as c')
    .innerJoin('inbox_channel as ch', 'ch.id', 'c.channel_id')
    .select(['c.id', 'c.proposal_id', 'ch.kind'])
    .where('c.organisation_id', '=', organisationId)
    .where('c.proposal_id', 'is not', null)
    .where('ch.archived_at', 'is', null)
    .execute();
}

interface Notice {
  organisationId: number;
  conversationId: number;
  subjectType: 'report' | 'proposal';
  updateId: number;
}

/** Claims telling a change to a conversation; false when it was claimed before. */
export async function claimReportNotice(tx: Tx, notice: Notice): Promise<boolean> {
  const claimed = await tx
    .insertInto('inbox_report_notice')
    .values({
      organisation_id: notice.organisationId,
      conversation_id: notice.conversationId,
      subject_type: notice.subjectType,
      update_id: notice.updateId,
      message_id: null,
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'subject_type', 'update_id']).doNothing())
    .returning('update_id')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Records the answer that told a claimed change. */
export async function setReportNoticeMessage(tx: Tx, notice: Notice, messageId: number): Promise<void> {
  await tx
    .updateTable('inbox_report_notice')
    .set({ message_id: messageId })
    .where('conversation_id', '=', notice.conversationId)
    .where('subject_type', '=', notice.subjectType)
    .where('update_id', '=', notice.updateId)
    .execute();
}
