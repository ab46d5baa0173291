import { recordAudit } from '../../../platform/audit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import {
  deleteRegistration,
  findMeeting,
  insertMeeting,
  insertRegistration,
  proposalsOfProcess,
  releasePlace,
  storeMinutes,
  takePlace,
  updateMeetingRow,
  type Meeting,
  type MeetingValues,
} from '../meetings.repository.ts';
import type { ParticipationRefusal } from '../participation.errors.ts';
import { authorizeParticipation } from '../participation.policy.ts';
import { deletePlanRow, storePlan } from '../plan.repository.ts';
import { parsePlan, type PlanProblem } from '../plan.ts';
import { findProcess, type Process } from '../processes.repository.ts';
import { actor, clean, eligibilityBlocker, type FieldErrors, type Outcome } from './shared.ts';

export type MeetingInput = MeetingValues;

async function validateMeeting(
  ctx: AppContext,
  organisation: Organisation,
  process: Process,
  input: MeetingInput,
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const title = clean(input.title);
  const titleField = `title_${organisation.defaultLanguage}`;
  if (!title[organisation.defaultLanguage]) errors[titleField] = 'titleRequired';
  else if (Object.values(title).some((text) => text.length > 200)) errors[titleField] = 'tooLong';
  if (Number.isNaN(input.startsAt.getTime())) errors.startsOn = 'date';
  else if (Number.isNaN(input.endsAt.getTime())) errors.endTime = 'time';
  else if (input.endsAt <= input.startsAt) errors.endTime = 'endBeforeStart';
  const address = input.address?.trim() ?? '';
  const url = input.onlineUrl?.trim() ?? '';
  if (address === '' && url === '') errors.address = 'placeRequired';
  if (address.length > 300) errors.address = 'tooLong';
  if (url !== '' && (!/^https?:\/\/[^\s]+$/.test(url) || url.length > 500 || !URL.canParse(url)))
    errors.onlineUrl = 'url';
  if (
    (input.lat === null) !== (input.lng === null) ||
    (input.lat !== null && (!Number.isFinite(input.lat) || input.lat < -90 || input.lat > 90)) ||
    (input.lng !== null && (!Number.isFinite(input.lng) || input.lng < -180 || input.lng > 180))
  )
    errors.lat = 'place';
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 100_000) errors.capacity = 'number';
  if (input.proposalIds.some((id) => !Number.isSafeInteger(id) || id < 1)) errors.proposalIds = 'proposals';
  else {
    const unique = [...new Set(input.proposalIds)];
    const found = await proposalsOfProcess(ctx.db, organisation.id, process.id, unique);
    if (found.length !== unique.length) errors.proposalIds = 'proposals';
  }
  return errors;
}

function cleaned(input: MeetingInput): MeetingInput {
  return {
    ...input,
    title: clean(input.title),
    description: clean(input.description),
    address: input.address?.trim() || null,
    onlineUrl: input.onlineUrl?.trim() || null,
    proposalIds: [...new Set(input.proposalIds)].sort((a, b) => a - b),
  };
}

/**
 * Announces a meeting of a process (staff): title and description, start and end, a place (address,
 * optional coordinates) or an online link or both, a capacity, and proposals of the same process it
 * discusses. Audited.
 */
export async function createMeeting(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  processId: number,
  input: MeetingInput,
): Promise<Outcome<{ id: number }>> {
  authorizeParticipation(viewer, 'manage-processes');
  const process = await findProcess(ctx.db, organisation.id, processId);
  if (!process) throw new AppError('PROCESS_NOT_FOUND');
  const errors = await validateMeeting(ctx, organisation, process, input);
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const values = cleaned(input);
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMeeting(tx, organisation.id, process.id, values);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.meeting.create',
      subjectType: 'participation_meeting',
      subjectId: id,
      after: values,
    });
    return id;
  });
  return { ok: true, id };
}

/**
 * Changes a meeting (staff). The capacity cannot go below the registrations already taken (the
 * CHECK on the table says the same). Audited with before and after.
 */
export async function updateMeeting(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  meetingId: number,
  input: MeetingInput,
): Promise<Outcome<object>> {
  authorizeParticipation(viewer, 'manage-processes');
  const meeting = await findMeeting(ctx.db, organisation.id, meetingId);
  if (!meeting) throw new AppError('MEETING_NOT_FOUND');
  const process = await findProcess(ctx.db, organisation.id, meeting.processId);
  if (!process) throw new AppError('PROCESS_NOT_FOUND');
  const errors = await validateMeeting(ctx, organisation, process, input);
  if (!errors.capacity && input.capacity < meeting.registrations) errors.capacity = 'capacityBelowRegistrations';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const values = cleaned(input);
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await updateMeetingRow(tx, organisation.id, meeting.id, values);
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: actor(viewer),
        action: 'participation.meeting.update',
        subjectType: 'participation_meeting',
        subjectId: meeting.id,
        before: meeting,
        after: values,
      });
    });
  } catch (error) {
    // Registrations taken between the check above and the update: the CHECK refused the lower capacity.
    if (error instanceof Error && /check constraint/i.test(error.message))
      return { ok: false, code: 'VALIDATION_FAILED', fields: { capacity: 'capacityBelowRegistrations' } };
    throw error;
  }
  return { ok: true };
}

/** Publishes (or corrects) the minutes of a meeting once it has started (staff). Audited with before and after. */
export async function publishMinutes(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  meetingId: number,
  minutes: Translated,
  now = new Date(),
): Promise<Outcome<object> | { ok: false; code: 'MEETING_NOT_HELD_YET' }> {
  authorizeParticipation(viewer, 'manage-processes');
  const meeting = await findMeeting(ctx.db, organisation.id, meetingId);
  if (!meeting) throw new AppError('MEETING_NOT_FOUND');
  if (meeting.startsAt > now) return { ok: false, code: 'MEETING_NOT_HELD_YET' };
  const text = clean(minutes);
  const field = `minutes_${organisation.defaultLanguage}`;
  if (!text[organisation.defaultLanguage])
    return { ok: false, code: 'VALIDATION_FAILED', fields: { [field]: 'minutesRequired' } };
  if (Object.values(text).some((value) => value.length > 20_000))
    return { ok: false, code: 'VALIDATION_FAILED', fields: { [field]: 'tooLong' } };
  await ctx.db.transaction().execute(async (tx) => {
    await storeMinutes(tx, meeting.id, text, viewer.id, now);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.meeting.minutes',
      subjectType: 'participation_meeting',
      subjectId: meeting.id,
      before: meeting.minutes,
      after: text,
    });
  });
  return { ok: true };
}

export type RegistrationOutcome =
  | { ok: true; registered: boolean; registrations: number }
  | {
      ok: false;
      code: ParticipationRefusal | 'AUTHENTICATION_REQUIRED' | 'MEETING_FULL' | 'MEETING_REGISTRATION_CLOSED';
    };

class Full extends Error {}

async function meetingAndProcess(
  ctx: AppContext,
  organisation: Organisation,
  meetingId: number,
): Promise<{ meeting: Meeting; process: Process }> {
  const meeting = await findMeeting(ctx.db, organisation.id, meetingId);
  if (!meeting) throw new AppError('MEETING_NOT_FOUND');
  const process = await findProcess(ctx.db, organisation.id, meeting.processId);
  if (!process) throw new AppError('MEETING_NOT_FOUND');
  return { meeting, process };
}

/**
 * Registers a resident for a meeting until it starts, if they meet the process's eligibility. One
 * registration per resident (UNIQUE): a repeated request changes nothing and succeeds. A place is
 * taken in the same transaction by an UPDATE that only counts up while under capacity, so concurrent
 * registrations for the last places never exceed the capacity: the ones too late get MEETING_FULL and
 * store nothing.
 */
export async function registerForMeeting(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  meetingId: number,
  now = new Date(),
): Promise<RegistrationOutcome> {
  const { meeting, process } = await meetingAndProcess(ctx, organisation, meetingId);
  if (meeting.startsAt <= now) return { ok: false, code: 'MEETING_REGISTRATION_CLOSED' };
  const blocker = await eligibilityBlocker(ctx, viewer, organisation, process, now);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  try {
    await ctx.db.transaction().execute(async (tx) => {
      if (!(await insertRegistration(tx, organisation.id, meeting.id, viewer.id))) return;
      if (!(await takePlace(tx, meeting.id))) throw new Full();
    });
  } catch (error) {
    if (error instanceof Full) return { ok: false, code: 'MEETING_FULL' };
    throw error;
  }
  const after = await findMeeting(ctx.db, organisation.id, meeting.id);
  return { ok: true, registered: true, registrations: after?.registrations ?? meeting.registrations };
}

/** Cancels a resident's registration before the meeting starts, freeing the place. Cancelling twice changes nothing. */
export async function cancelRegistration(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  meetingId: number,
  now = new Date(),
): Promise<RegistrationOutcome> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const { meeting } = await meetingAndProcess(ctx, organisation, meetingId);
  if (meeting.startsAt <= now) return { ok: false, code: 'MEETING_REGISTRATION_CLOSED' };
  await ctx.db.transaction().execute(async (tx) => {
    if (await deleteRegistration(tx, meeting.id, viewer.id)) await releasePlace(tx, meeting.id);
  });
  const after = await findMeeting(ctx.db, organisation.id, meeting.id);
  return { ok: true, registered: false, registrations: after?.registrations ?? meeting.registrations };
}

/**
 * Replaces the plan a process shows under its proposals with an uploaded GeoJSON FeatureCollection
 * (staff), after `parsePlan` has checked it; a refused file stores nothing. Audited with the number of
 * features and their bounding box (not the whole file).
 */
export async function uploadPlan(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  processId: number,
  text: string,
): Promise<{ ok: true; features: number } | { ok: false; code: PlanProblem; feature?: number }> {
  authorizeParticipation(viewer, 'manage-processes');
  const process = await findProcess(ctx.db, organisation.id, processId);
  if (!process) throw new AppError('PROCESS_NOT_FOUND');
  const parsed = parsePlan(text);
  if (!parsed.ok) return parsed;
  await ctx.db.transaction().execute(async (tx) => {
    await storePlan(tx, organisation.id, process.id, parsed.features, parsed.bbox, viewer.id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.plan.upload',
      subjectType: 'participation_process',
      subjectId: process.id,
      after: { features: parsed.features.length, bbox: parsed.bbox },
    });
  });
  return { ok: true, features: parsed.features.length };
}

/** Removes the plan of a process (staff). Audited. */
export async function removePlan(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  processId: number,
): Promise<void> {
  authorizeParticipation(viewer, 'manage-processes');
  const process = await findProcess(ctx.db, organisation.id, processId);
  if (!process) throw new AppError('PROCESS_NOT_FOUND');
  await ctx.db.transaction().execute(async (tx) => {
    if (await deletePlanRow(tx, organisation.id, process.id))
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: actor(viewer),
        action: 'participation.plan.delete',
        subjectType: 'participation_process',
        subjectId: process.id,
      });
  });
}
