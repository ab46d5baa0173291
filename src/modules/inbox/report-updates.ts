import type { ColumnType } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { translator, type MessageKey } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProposal, type Proposal } from '../participation/index.ts';
import { findPublicUpdates, type PublicUpdate } from '../reports/index.ts';
import { adapterFor } from './channels/index.ts';
import { conversationLanguage, proposalLink, reportLink } from './conversations.use-cases.ts';
import type { ChannelKind } from './inbox.schema.ts';
import { queueNoticeIn } from './replies.ts';
import {
  claimReportNotice,
  findProposalLinkedConversations,
  findReportLinkedConversations,
  setReportNoticeMessage,
} from './report-updates.repository.ts';

declare module '../../platform/db/schema.ts' {
  interface Database {
    inbox_report_notice: {
      organisation_id: number;
      conversation_id: number;
      subject_type: 'report' | 'proposal';
      update_id: number;
      message_id: number | null;
      created_at: ColumnType<Date, Date | string | undefined, never>;
    };
  }
}

/** The recurring job that tells authors about the reports their messages became. */
export const REPORT_UPDATES_JOB = 'inbox.report-updates';
export const REPORT_UPDATES_EVERY_MS = 60_000;
/** History lines older than this are never told (after a long outage, or in a seeded demo). */
const WINDOW_MS = 3 * 86_400_000;
const PAGE = 1000;
/** The public history lines worth telling the author: what changed for them, not the creation they caused. */
const TOLD_KINDS = new Set(['status', 'answer', 'reopen', 'merge']);

interface LinkedConversation {
  id: number;
  kind: ChannelKind;
}

/**
 * Tells each linked conversation's channel about every new public history line of its report (status
 * changes, answers), in the author's language, with the report's public address. A line is claimed
 * (inbox_report_notice) in the same transaction as the answer that tells it: exactly once, whichever
 * worker runs it and however often. Returns how many answers were queued.
 */
export async function tellReportUpdates(ctx: AppContext): Promise<number> {
  let told = 0;
  for (const organisation of await ctx.organisations.findAll()) {
    const rows = await findReportLinkedConversations(ctx.db, organisation.id);
    const byReport = new Map<number, LinkedConversation[]>();
    for (const row of rows) {
      if (row.report_id === null || !adapterFor(row.kind)?.reply) continue;
      byReport.set(row.report_id, [...(byReport.get(row.report_id) ?? []), { id: row.id, kind: row.kind }]);
    }
    if (byReport.size === 0) continue;
    let from = new Date(Date.now() - WINDOW_MS);
    const to = new Date();
    for (;;) {
      const updates = await findPublicUpdates(ctx.db, organisation.id, from, to, PAGE);
      for (const update of updates) {
        if (!TOLD_KINDS.has(update.kind)) continue;
        for (const conversation of byReport.get(update.reportId) ?? []) {
          if (await tellOne(ctx, organisation, conversation, update)) told++;
        }
      }
      const last = updates.at(-1);
      // a page full of lines at one instant would repeat itself: claims make the repeat harmless, the check ends it
      if (updates.length < PAGE || !last || last.createdAt.getTime() === from.getTime()) break;
      from = last.createdAt;
    }
  }
  return told;
}

async function tellOne(
  ctx: AppContext,
  organisation: Organisation,
  conversation: LinkedConversation,
  update: PublicUpdate,
): Promise<boolean> {
  const t = translator(await conversationLanguage(ctx.db, organisation, conversation.id));
  const link = reportLink(ctx, organisation, update.reportId);
  const head =
    update.kind === 'status' && update.statusTo
      ? t('inbox.report.status', {
          id: update.reportId,
          status: t(`reports.status.${update.statusTo}` as MessageKey),
          link,
        })
      : update.kind === 'answer'
        ? t('inbox.report.answer', { id: update.reportId, link })
        : t('inbox.report.changed', { id: update.reportId, link });
  const text = update.publicText ? `${head}\n\n${update.publicText}` : head;
  return tellOnce(ctx, organisation.id, conversation.id, 'report', update.id, text);
}

/**
 * Queues `text` to a conversation unless this change (subject, update id) was told to it before: the
 * claim (inbox_report_notice) and the answer are written in one transaction, so exactly once.
 */
async function tellOnce(
  ctx: AppContext,
  organisationId: number,
  conversationId: number,
  subjectType: 'report' | 'proposal',
  updateId: number,
  text: string,
): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    const notice = { organisationId, conversationId, subjectType, updateId };
    if (!(await claimReportNotice(tx, notice))) return false;
    // the city's notice, in nobody's name: not a staff answer, not a first response
    const messageId = await queueNoticeIn(tx, ctx.jobs, { organisationId, conversationId, text });
    await setReportNoticeMessage(tx, notice, messageId);
    return true;
  });
}

/** A public change of a proposal worth telling its author: what happened, when (if known), and its stable id. */
interface ProposalEvent {
  kind: 'threshold' | 'withdrawn' | 'answer' | 'expired';
  at: Date | null;
  id: number;
}

/**
 * The kind's digit in an event's id. Participation keeps no history of a proposal's changes, only its
 * current state with the instant of some steps (threshold reached, answered; the support deadline): an
 * event's id is that instant in milliseconds times ten plus this digit — stable, so the same change
 * always claims the same notice, and a later answer (an evaluation, then the decision) is a new one;
 * below 2^53 until the year 30000. A withdrawal happens once and its instant is not exposed: its id is
 * the digit alone.
 */
const EVENT_DIGIT: Record<ProposalEvent['kind'], number> = { threshold: 1, withdrawn: 2, answer: 3, expired: 4 };

function event(kind: ProposalEvent['kind'], at: Date | null): ProposalEvent {
  return { kind, at, id: (at ? at.getTime() * 10 : 0) + EVENT_DIGIT[kind] };
}

/** The public changes a proposal has gone through, read from its current state, oldest first. */
export function proposalEvents(proposal: Proposal, now = new Date()): ProposalEvent[] {
  const events: ProposalEvent[] = [];
  if (proposal.thresholdReachedAt) events.push(event('threshold', proposal.thresholdReachedAt));
  if (
    proposal.answeredAt &&
    (proposal.status === 'evaluating' || proposal.status === 'accepted' || proposal.status === 'rejected')
  )
    events.push(event('answer', proposal.answeredAt));
  if (proposal.status === 'published' && proposal.supportDeadline <= now)
    events.push(event('expired', proposal.supportDeadline));
  events.sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0));
  if (proposal.status === 'withdrawn') events.push(event('withdrawn', null));
  return events;
}

/**
 * Tells each linked conversation's channel about every public change of the proposal its message
 * became — support threshold reached, the city's answer (with its text), withdrawal, supports closed
 * without reaching the threshold — in the author's language, with the proposal's address; each change
 * once (see tellOnce), and only changes of the last three days. Hidden proposals are not told about.
 * Returns how many answers were queued.
 */
export async function tellProposalUpdates(ctx: AppContext, now = new Date()): Promise<number> {
  let told = 0;
  const since = now.getTime() - WINDOW_MS;
  for (const organisation of await ctx.organisations.findAll()) {
    const rows = await findProposalLinkedConversations(ctx.db, organisation.id);
    for (const row of rows) {
      if (row.proposal_id === null || !adapterFor(row.kind)?.reply) continue;
      // one read per linked proposal: staff link few, and participation's index offers no batch read
      const proposal = await findProposal(ctx.db, organisation.id, row.proposal_id);
      if (!proposal || proposal.hidden) continue;
      const events = proposalEvents(proposal, now).filter((e) => e.at === null || e.at.getTime() >= since);
      if (events.length === 0) continue;
      const t = translator(await conversationLanguage(ctx.db, organisation, row.id));
      const link = proposalLink(ctx, organisation, proposal.id);
      for (const change of events) {
        const params = { title: proposal.title, link, count: proposal.threshold };
        const text =
          change.kind === 'answer'
            ? `${t('inbox.proposal.answer', { ...params, status: t(`participation.status.${proposal.status}` as MessageKey) })}${proposal.answerText ? `\n\n${proposal.answerText}` : ''}`
            : t(`inbox.proposal.${change.kind}`, params);
        if (await tellOnce(ctx, organisation.id, row.id, 'proposal', change.id, text)) told++;
      }
    }
  }
  return told;
}
