import { hasRole, type Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { insertDebate } from '../conversation.repository.ts';
import type { Process } from '../processes.repository.ts';
import { takePartBlocker, type FieldErrors, type Refused } from './shared.ts';

export type DebateOutcome =
  { ok: true; id: number } | Refused | { ok: false; code: 'PROPOSAL_INVALID'; fields: FieldErrors };

/**
 * Opens a debate: an open question under which people post arguments for and against. Residents may
 * when the current phase opens debates for creation and they are eligible; staff may at any time
 * (they frame the questions of their processes).
 */
export async function startDebate(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  process: Process,
  input: { title: string; body: string },
  now = new Date(),
): Promise<DebateOutcome> {
  if (!hasRole(viewer, 'staff')) {
    const blocker = await takePartBlocker(ctx, viewer, organisation, process, 'debates', 'create', now);
    if (blocker) return { ok: false, code: blocker };
  }
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const errors: FieldErrors = {};
  const title = input.title.trim();
  const body = input.body.trim();
  if (title.length < 4) errors.title = 'titleRequired';
  else if (title.length > 200) errors.title = 'tooLong';
  if (body.length < 10) errors.body = 'bodyRequired';
  else if (body.length > 10_000) errors.body = 'tooLong';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'PROPOSAL_INVALID', fields: errors };
  const id = await insertDebate(ctx.db, {
    organisationId: organisation.id,
    processId: process.id,
    authorId: viewer.id,
    title,
    body,
  });
  return { ok: true, id };
}
