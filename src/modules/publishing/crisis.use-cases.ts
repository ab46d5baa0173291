import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { startEmergency, type EmergencyOutcome } from './approval.use-cases.ts';
import { findDestinations } from './destinations.repository.ts';
import { adapterFor } from './destinations.use-cases.ts';
import { savePost, type SaveOutcome } from './posts.use-cases.ts';
import type { PostText } from './posts.repository.ts';
import { authorizePublishing } from './publishing.policy.ts';

/**
 * A crisis broadcast: one alert to every destination of the city at once, through the emergency path
 * (this member of staff starts it, a second confirms within 15 minutes, approval looks at it afterwards),
 * pinned as a banner on every page of the site until the time chosen.
 */
export async function startCrisisBroadcast(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { texts: Record<string, PostText>; pinnedUntil: Date | null; departmentId: number | null },
): Promise<SaveOutcome | (EmergencyOutcome & { id: number })> {
  authorizePublishing(viewer, 'write');
  const destinations = (await findDestinations(ctx.db, organisation.id)).filter(
    (d) => d.enabled && adapterFor(ctx, d.kind),
  );
  const fields: Record<string, string> = {};
  if (!input.pinnedUntil || input.pinnedUntil.getTime() <= Date.now()) fields.pinnedDay = 'out-of-range';
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const saved = await savePost(ctx, viewer, organisation, undefined, {
    texts: input.texts,
    contentWarning: {},
    departmentId: input.departmentId,
    campaignId: null,
    destinationIds: destinations.map((d) => d.id),
    variants: {},
    scheduledAt: null,
    crisis: true,
    pinnedUntil: input.pinnedUntil,
  });
  if (!saved.ok) return saved;
  return { ...(await startEmergency(ctx, viewer, organisation, saved.id)), id: saved.id };
}
