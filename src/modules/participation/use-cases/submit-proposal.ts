import { randomInt } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findDistricts, findDistrictsAt } from '../../places/index.ts';
import { CATEGORIES, type Category } from '../participation.schema.ts';
import type { Process } from '../processes.repository.ts';
import { insertProposal, setFollow } from '../proposals.repository.ts';
import { takePartBlocker, type FieldErrors, type Refused } from './shared.ts';

export interface ProposalInput {
  title: string;
  body: string;
  category: string;
  districtId: number | null;
  /** Both or neither; a place without a district gets the district it lies in. */
  lat: number | null;
  lng: number | null;
}

export type SubmitOutcome = { ok: true; id: number } | Refused | { ok: false; code: 'PROPOSAL_INVALID'; errors: FieldErrors };

const DAY_MS = 86_400_000;

/**
 * A resident submits a proposal to a process whose current phase takes proposals, if they meet its
 * eligibility. It starts collecting supports at once, until the process's deadline, with the process's
 * threshold; the author follows it from the start.
 */
export async function submitProposal(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, process: Process, input: ProposalInput, now = new Date()): Promise<SubmitOutcome> {
  const blocker = await takePartBlocker(ctx, viewer, organisation, process, 'proposals', 'create', now);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  const errors: FieldErrors = {};
  const title = input.title.trim();
  const body = input.body.trim();
  if (title.length < 4) errors.title = 'participation.error.titleRequired';
  else if (title.length > 200) errors.title = 'participation.error.tooLong';
  if (body.length < 10) errors.body = 'participation.error.bodyRequired';
  else if (body.length > 10_000) errors.body = 'participation.error.tooLong';
  if (!(CATEGORIES as readonly string[]).includes(input.category)) errors.category = 'participation.error.category';
  const located = input.lat !== null || input.lng !== null;
  if (located && (input.lat === null || input.lng === null || !Number.isFinite(input.lat) || !Number.isFinite(input.lng) || Math.abs(input.lat) > 85 || Math.abs(input.lng) > 180)) errors.lat = 'participation.error.place';
  let districtId = input.districtId;
  const districts = await findDistricts(ctx.db, organisation.id);
  if (districtId !== null && !districts.some((d) => d.id === districtId && d.kind === 'district')) errors.districtId = 'participation.error.district';
  if (districtId === null && located && !errors.lat) {
    districtId = (await findDistrictsAt(ctx.db, organisation.id, input.lng as number, input.lat as number)).find((d) => d.kind === 'district')?.id ?? null;
  }
  if (districtId !== null && process.districtIds.length > 0 && !process.districtIds.includes(districtId) && !errors.districtId) errors.districtId = 'participation.error.outsideScope';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'PROPOSAL_INVALID', errors };

  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertProposal(tx, {
      organisationId: organisation.id,
      processId: process.id,
      authorId: viewer.id,
      title,
      body,
      category: input.category as Category,
      districtId,
      lat: located ? input.lat : null,
      lng: located ? input.lng : null,
      threshold: process.supportThreshold,
      supportDeadline: new Date(now.getTime() + process.supportDays * DAY_MS),
      randomKey: randomInt(0, 2_147_483_647),
    });
    await setFollow(tx, organisation.id, id, viewer.id, true);
    return id;
  });
  return { ok: true, id };
}
