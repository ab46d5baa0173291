import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findProposal, markWithdrawn } from '../proposals.repository.ts';

/**
 * The author withdraws their proposal before the city has answered it. It leaves the lists and stops
 * collecting supports; its page stays, marked withdrawn, so links and supporters are not left hanging.
 */
export async function withdrawProposal(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  proposalId: number,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; code: 'PROPOSAL_NOT_WITHDRAWABLE' }> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const proposal = await findProposal(ctx.db, organisation.id, proposalId);
  if (!proposal || proposal.hidden) throw new AppError('PROPOSAL_NOT_FOUND');
  if (proposal.authorId !== viewer.id) return { ok: false, code: 'PROPOSAL_NOT_WITHDRAWABLE' };
  return (await markWithdrawn(ctx.db, proposal.id, now))
    ? { ok: true }
    : { ok: false, code: 'PROPOSAL_NOT_WITHDRAWABLE' };
}
