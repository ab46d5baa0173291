import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import type { ProposalStatus, ShownStatus } from '../participation.schema.ts';
import { findProcess, phaseAllows } from '../processes.repository.ts';
import {
  changeSupportCount,
  collectsSupports,
  deleteSupport,
  findProposal,
  hasSupported,
  insertSupport,
  lockProposal,
  shownStatus,
} from '../proposals.repository.ts';
import { takePartBlocker, type Refused } from './shared.ts';

/** A proposal's support count as its supporter sees it after their request. */
export interface SupportState {
  proposalId: number;
  supported: boolean;
  supports: number;
  threshold: number;
  /** Supports still missing to reach the threshold (0 once reached). */
  missing: number;
  status: ShownStatus;
}

export type SupportOutcome =
  | { ok: true; support: SupportState }
  | Refused
  | { ok: false; code: 'PROPOSAL_SUPPORT_CLOSED' | 'PROPOSAL_OWN_SUPPORT' };

async function loadScope(ctx: AppContext, organisation: Organisation, proposalId: number) {
  const proposal = await findProposal(ctx.db, organisation.id, proposalId);
  if (!proposal || proposal.hidden) throw new AppError('PROPOSAL_NOT_FOUND');
  const process = await findProcess(ctx.db, organisation.id, proposal.processId);
  if (!process) throw new AppError('PROPOSAL_NOT_FOUND');
  return { proposal, process };
}

function state(
  proposalId: number,
  supported: boolean,
  row: { supports_count: number; threshold: number; status: ProposalStatus; support_deadline: Date },
  now: Date,
): SupportState {
  const status = shownStatus({ status: row.status, supportDeadline: row.support_deadline }, now);
  return {
    proposalId,
    supported,
    supports: row.supports_count,
    threshold: row.threshold,
    missing: Math.max(0, row.threshold - row.supports_count),
    status,
  };
}

/**
 * An eligible resident supports a proposal while its process's phase takes supports and the proposal
 * collects them. Idempotent: a second support from the same person changes nothing (the database's
 * UNIQUE constraint decides races). The support that reaches the threshold turns the proposal to
 * "threshold reached" and starts the city's time to answer. The proposal's row is locked while
 * counting, so racing supports are counted one after another. Authors do not support their own proposal.
 */
export async function supportProposal(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  proposalId: number,
  now = new Date(),
): Promise<SupportOutcome> {
  const { proposal, process } = await loadScope(ctx, organisation, proposalId);
  const blocker = await takePartBlocker(ctx, viewer, organisation, process, 'proposals', 'support', now);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  // a support is someone else's agreement: the author's own would count them twice
  if (proposal.authorId === viewer.id) return { ok: false, code: 'PROPOSAL_OWN_SUPPORT' };
  return ctx.db.transaction().execute(async (tx): Promise<SupportOutcome> => {
    const row = await lockProposal(tx, organisation.id, proposalId);
    if (!row || row.hidden_at) throw new AppError('PROPOSAL_NOT_FOUND');
    if (await hasSupported(tx, proposalId, viewer.id)) return { ok: true, support: state(proposalId, true, row, now) };
    if (!collectsSupports({ status: row.status, supportDeadline: row.support_deadline }, now))
      return { ok: false, code: 'PROPOSAL_SUPPORT_CLOSED' };
    if (!(await insertSupport(tx, organisation.id, proposalId, viewer.id)))
      return { ok: true, support: state(proposalId, true, row, now) };
    const updated = await changeSupportCount(tx, proposalId, 1, process.answerDays, now);
    return { ok: true, support: state(proposalId, true, { ...row, ...updated }, now) };
  });
}

/**
 * Takes a support back while the proposal still collects supports; idempotent (no support, no
 * change). A proposal that has reached its threshold keeps that status.
 */
export async function withdrawSupport(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  proposalId: number,
  now = new Date(),
): Promise<SupportOutcome> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const { process } = await loadScope(ctx, organisation, proposalId);
  return ctx.db.transaction().execute(async (tx): Promise<SupportOutcome> => {
    const row = await lockProposal(tx, organisation.id, proposalId);
    if (!row || row.hidden_at) throw new AppError('PROPOSAL_NOT_FOUND');
    if (!(await hasSupported(tx, proposalId, viewer.id)))
      return { ok: true, support: state(proposalId, false, row, now) };
    if (!phaseAllows(process, 'proposals', 'support', now)) return { ok: false, code: 'PARTICIPATION_CLOSED' };
    if (!collectsSupports({ status: row.status, supportDeadline: row.support_deadline }, now))
      return { ok: false, code: 'PROPOSAL_SUPPORT_CLOSED' };
    await deleteSupport(tx, proposalId, viewer.id);
    const updated = await changeSupportCount(tx, proposalId, -1, process.answerDays, now);
    return { ok: true, support: state(proposalId, false, { ...row, ...updated }, now) };
  });
}

/** The viewer's support state for one proposal (for the API's GET and the pages). */
export async function readSupport(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  proposalId: number,
  now = new Date(),
): Promise<SupportState> {
  const { proposal } = await loadScope(ctx, organisation, proposalId);
  const supported = viewer ? await hasSupported(ctx.db, proposalId, viewer.id) : false;
  return state(
    proposalId,
    supported,
    {
      supports_count: proposal.supports,
      threshold: proposal.threshold,
      status: proposal.status,
      support_deadline: proposal.supportDeadline,
    },
    now,
  );
}
