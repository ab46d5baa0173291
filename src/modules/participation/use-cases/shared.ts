import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { checkEligibility, type EligibilityReason, type EligibilityRule } from '../../verification/index.ts';
import type { ParticipationRefusal } from '../participation.errors.ts';
import type { Action, Part } from '../participation.schema.ts';
import { phaseAllows, processEligibilityRule, type Process } from '../processes.repository.ts';

/** Why a field is refused, as a code; the page picks its text (pages/shared.ts `messages`). */
export type FieldProblem =
  | 'age'
  | 'answer'
  | 'answerText'
  | 'bodyRequired'
  | 'capacityBelowRegistrations'
  | 'category'
  | 'commentRequired'
  | 'date'
  | 'district'
  | 'endBeforeStart'
  | 'minutesRequired'
  | 'number'
  | 'outsideScope'
  | 'parent'
  | 'parts'
  | 'phaseEnd'
  | 'phaseOverlap'
  | 'place'
  | 'placeOutsideCity'
  | 'placeRequired'
  | 'proposals'
  | 'reason'
  | 'residentsNeedDistricts'
  | 'slug'
  | 'slugTaken'
  | 'time'
  | 'titleRequired'
  | 'tooLong'
  | 'url'
  | 'withdrawn';
/** Field problems by field name. */
export type FieldErrors = Record<string, FieldProblem>;
export type Outcome<T> = ({ ok: true } & T) | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors };
export type Refused = { ok: false; code: ParticipationRefusal | 'AUTHENTICATION_REQUIRED' };

export function actor(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

/** A translated text with blank languages left out and the rest trimmed. */
export function clean(text: Translated): Translated {
  const entries: Array<[string, string]> = Object.entries(text).map(([lang, value]) => [lang, value.trim()]);
  return Object.fromEntries(entries.filter(([, value]) => value !== ''));
}

const REFUSALS: Record<Exclude<EligibilityReason, 'not-signed-in'>, ParticipationRefusal> = {
  'email-not-confirmed': 'PARTICIPATION_EMAIL_NOT_CONFIRMED',
  'not-verified': 'PARTICIPATION_NOT_VERIFIED',
  age: 'PARTICIPATION_AGE_NOT_ELIGIBLE',
  district: 'PARTICIPATION_DISTRICT_NOT_ELIGIBLE',
};

/**
 * Why this person may not do `action` in `part` of a process now, or undefined when they may: the
 * phase running now must open the part with that action, and the person must meet the process's
 * eligibility (verification level, age range, residence in its districts when it asks for that).
 */
export async function takePartBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  process: Process,
  part: Part,
  action: Action,
  now = new Date(),
): Promise<Refused['code'] | undefined> {
  if (!phaseAllows(process, part, action, now)) return 'PARTICIPATION_CLOSED';
  return eligibilityBlocker(ctx, viewer, organisation, process, now);
}

/**
 * Why this person does not meet a process's eligibility (verification level, age range, residence in
 * its districts when it asks for that), whatever its phase, or undefined when they do. Meeting
 * registrations use it directly: a meeting is open until it starts.
 */
export async function eligibilityBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  process: Process,
  now = new Date(),
): Promise<Refused['code'] | undefined> {
  return ruleBlocker(ctx, viewer, organisation, processEligibilityRule(process), now);
}

/**
 * Why this person does not meet an eligibility rule, in participation's refusal codes, or undefined
 * when they do. Comments on subjects outside a process (reports, budget projects) use it directly.
 */
export async function ruleBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  rule: EligibilityRule,
  now = new Date(),
): Promise<Refused['code'] | undefined> {
  if (!viewer) return 'AUTHENTICATION_REQUIRED';
  const eligible = await checkEligibility(ctx.db, organisation.id, viewer.id, rule, now);
  if (eligible.ok) return undefined;
  if (eligible.missing === 'birth-year') return 'PARTICIPATION_BIRTH_YEAR_MISSING';
  return eligible.reason === 'not-signed-in' ? 'AUTHENTICATION_REQUIRED' : REFUSALS[eligible.reason];
}
