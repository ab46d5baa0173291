import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findProposal, setFollow } from '../proposals.repository.ts';

/** A signed-in person follows a proposal (mailed when the city answers it) or stops following it. Idempotent. */
export async function followProposal(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  proposalId: number,
  follow: boolean,
): Promise<void> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const proposal = await findProposal(ctx.db, organisation.id, proposalId);
  if (!proposal || proposal.hidden) throw new AppError('PROPOSAL_NOT_FOUND');
  await setFollow(ctx.db, organisation.id, proposal.id, viewer.id, follow);
}
