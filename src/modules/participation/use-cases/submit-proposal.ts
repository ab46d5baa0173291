import { randomInt } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findDistricts, findDistrictsAt, isPointInCity } from '../../places/index.ts';
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

export type SubmitOutcome =
  { ok: true; id: number } | Refused | { ok: false; code: 'PROPOSAL_INVALID'; fields: FieldErrors };

const DAY_MS = 86_400_000;
/** The longest text of a proposal. */
export const PROPOSAL_BODY_MAX = 10_000;

/** A proposal's fields once checked: trimmed, with the district of its place when none was chosen. */
export interface CheckedProposal {
  title: string;
  body: string;
  category: Category;
  districtId: number | null;
  lat: number | null;
  lng: number | null;
}

/**
 * Checks a proposal's fields for a process (title and text lengths, category, place in the city, district inside
 * the process's scope): the one set of rules for residents' proposals and for those staff publish on a
 * resident's behalf (from the inbox).
 */
export async function checkProposal(
  ctx: AppContext,
  organisation: Organisation,
  process: Process,
  input: ProposalInput,
): Promise<{ ok: true; proposal: CheckedProposal } | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors }> {
  const errors: FieldErrors = {};
  const title = input.title.trim();
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (title.length < 4) errors.title = 'titleRequired';
  else if (title.length > 200) errors.title = 'tooLong';
  if (body.length < 10) errors.body = 'bodyRequired';
  else if (body.length > PROPOSAL_BODY_MAX) errors.body = 'tooLong';
  if (!(CATEGORIES as readonly string[]).includes(input.category)) errors.category = 'category';
  const located = input.lat !== null || input.lng !== null;
  if (
    located &&
    (input.lat === null ||
      input.lng === null ||
      !Number.isFinite(input.lat) ||
      !Number.isFinite(input.lng) ||
      Math.abs(input.lat) > 85 ||
      Math.abs(input.lng) > 180)
  )
    errors.lat = 'place';
  else if (located && !(await isPointInCity(ctx.db, organisation, input.lng as number, input.lat as number)))
    errors.lat = 'placeOutsideCity';
  let districtId = input.districtId;
  const districts = await findDistricts(ctx.db, organisation.id);
  if (districtId !== null && !districts.some((d) => d.id === districtId && d.kind === 'district'))
    errors.districtId = 'district';
  if (districtId === null && located && !errors.lat) {
    districtId =
      (await findDistrictsAt(ctx.db, organisation.id, input.lng as number, input.lat as number)).find(
        (d) => d.kind === 'district',
      )?.id ?? null;
  }
  if (
    districtId !== null &&
    process.districtIds.length > 0 &&
    !process.districtIds.includes(districtId) &&
    !errors.districtId
  )
    errors.districtId = 'outsideScope';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  return {
    ok: true,
    proposal: {
      title,
      body,
      category: input.category as Category,
      districtId,
      lat: located ? input.lat : null,
      lng: located ? input.lng : null,
    },
  };
}

/** The row of a new proposal: it collects supports from now until the process's deadline, towards its threshold. */
export function newProposal(
  organisation: Organisation,
  process: Process,
  authorId: number,
  proposal: CheckedProposal,
  now: Date,
): Parameters<typeof insertProposal>[1] {
  return {
    organisationId: organisation.id,
    processId: process.id,
    authorId,
    ...proposal,
    threshold: process.supportThreshold,
    supportDeadline: new Date(now.getTime() + process.supportDays * DAY_MS),
    randomKey: randomInt(0, 2_147_483_647),
  };
}

/**
 * A resident submits a proposal to a process whose current phase takes proposals, if they meet its
 * eligibility. It starts collecting supports at once, until the process's deadline, with the process's
 * threshold; the author follows it from the start.
 */
export async function submitProposal(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  process: Process,
  input: ProposalInput,
  now = new Date(),
): Promise<SubmitOutcome> {
  const blocker = await takePartBlocker(ctx, viewer, organisation, process, 'proposals', 'create', now);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  const checked = await checkProposal(ctx, organisation, process, input);
  if (!checked.ok) return { ok: false, code: 'PROPOSAL_INVALID', fields: checked.fields };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertProposal(tx, newProposal(organisation, process, viewer.id, checked.proposal, now));
    await setFollow(tx, organisation.id, id, viewer.id, true);
    return id;
  });
  return { ok: true, id };
}
