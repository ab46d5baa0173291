import { recordAudit } from '../../../platform/audit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findDistricts } from '../../places/index.ts';
import { authorizeParticipation } from '../participation.policy.ts';
import { PART_ACTIONS, PARTS, type PhaseParts } from '../participation.schema.ts';
import {
  deletePhaseRow,
  findProcess,
  insertPhase,
  insertProcess,
  slugTaken,
  updatePhaseRow,
  updateProcessRow,
  type ProcessValues,
} from '../processes.repository.ts';
import { actor, clean, type FieldErrors, type Outcome } from './shared.ts';

export type ProcessInput = ProcessValues;

async function validateProcess(
  ctx: AppContext,
  organisation: Organisation,
  input: ProcessInput,
  exceptId: number | null,
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const title = clean(input.title);
  const titleField = `title_${organisation.defaultLanguage}`;
  if (!title[organisation.defaultLanguage]) errors[titleField] = 'titleRequired';
  else if (Object.values(title).some((text) => text.length > 200)) errors[titleField] = 'tooLong';
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(input.slug) || input.slug.length > 80) errors.slug = 'slug';
  else if (await slugTaken(ctx.db, organisation.id, input.slug, exceptId)) errors.slug = 'slugTaken';
  const known = new Set((await findDistricts(ctx.db, organisation.id)).map((district) => district.id));
  if (input.districtIds.some((id) => !known.has(id))) errors.districtIds = 'district';
  const age = (value: number | null) => value === null || (Number.isInteger(value) && value >= 0 && value <= 150);
  if (!age(input.minAge)) errors.minAge = 'age';
  if (!age(input.maxAge) || (input.minAge !== null && input.maxAge !== null && input.maxAge < input.minAge))
    errors.maxAge = 'age';
  const whole = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;
  if (!whole(input.supportThreshold, 10_000_000)) errors.supportThreshold = 'number';
  if (!whole(input.supportDays, 3650)) errors.supportDays = 'number';
  if (!whole(input.answerDays, 3650)) errors.answerDays = 'number';
  if (input.residentsOnly && input.districtIds.length === 0) errors.districtIds = 'residentsNeedDistricts';
  return errors;
}

function cleaned(input: ProcessInput): ProcessInput {
  return {
    ...input,
    title: clean(input.title),
    description: clean(input.description),
    districtIds: [...new Set(input.districtIds)].sort((a, b) => a - b),
  };
}

/** Creates a process (no phases yet). Audited. */
export async function createProcess(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: ProcessInput,
): Promise<Outcome<{ id: number }>> {
  authorizeParticipation(viewer, 'manage-processes');
  const errors = await validateProcess(ctx, organisation, input, null);
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const values = cleaned(input);
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertProcess(tx, organisation.id, values);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.process.create',
      subjectType: 'participation_process',
      subjectId: id,
      after: values,
    });
    return id;
  });
  return { ok: true, id };
}

/** Changes a process's texts, scope, eligibility and proposal rules. Audited with before and after. */
export async function updateProcess(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  processId: number,
  input: ProcessInput,
): Promise<Outcome<object>> {
  authorizeParticipation(viewer, 'manage-processes');
  const process = await findProcess(ctx.db, organisation.id, processId);
  if (!process) throw new AppError('PROCESS_NOT_FOUND');
  const errors = await validateProcess(ctx, organisation, input, process.id);
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const values = cleaned(input);
  await ctx.db.transaction().execute(async (tx) => {
    await updateProcessRow(tx, process.id, values);
    const { phases: _phases, ...before } = process;
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.process.update',
      subjectType: 'participation_process',
      subjectId: process.id,
      before,
      after: values,
    });
  });
  return { ok: true };
}

export interface PhaseInput {
  title: Translated;
  startsAt: Date;
  endsAt: Date;
  parts: PhaseParts;
}

/** Only known parts and the actions each part supports, in a stable order. */
function normaliseParts(parts: PhaseParts): PhaseParts | undefined {
  const result: PhaseParts = {};
  for (const [part, actions] of Object.entries(parts)) {
    if (!(PARTS as readonly string[]).includes(part)) return undefined;
    const allowed = PART_ACTIONS[part as keyof typeof PART_ACTIONS];
    if (!actions.every((action) => allowed.includes(action))) return undefined;
    result[part as keyof PhaseParts] = allowed.filter((action) => actions.includes(action));
  }
  return result;
}

/**
 * Adds a phase to a process (`phaseId` null) or changes one: a title, dates (end after start, no overlap
 * with the other phases) and the parts it opens with what each allows. Audited.
 */
export async function savePhase(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  processId: number,
  phaseId: number | null,
  input: PhaseInput,
): Promise<Outcome<{ id: number }>> {
  authorizeParticipation(viewer, 'manage-processes');
  const process = await findProcess(ctx.db, organisation.id, processId);
  if (!process) throw new AppError('PROCESS_NOT_FOUND');
  const current = phaseId === null ? undefined : process.phases.find((phase) => phase.id === phaseId);
  if (phaseId !== null && !current) throw new AppError('PROCESS_PHASE_NOT_FOUND');
  const errors: FieldErrors = {};
  const title = clean(input.title);
  if (!title[organisation.defaultLanguage]) errors[`phaseTitle_${organisation.defaultLanguage}`] = 'titleRequired';
  else if (Object.values(title).some((text) => text.length > 200))
    errors[`phaseTitle_${organisation.defaultLanguage}`] = 'tooLong';
  if (Number.isNaN(input.startsAt.getTime())) errors.startsOn = 'date';
  if (Number.isNaN(input.endsAt.getTime())) errors.endsOn = 'date';
  else if (!errors.startsOn && input.endsAt <= input.startsAt) errors.endsOn = 'phaseEnd';
  const parts = normaliseParts(input.parts);
  if (!parts) errors.parts = 'parts';
  if (!errors.startsOn && !errors.endsOn) {
    const overlaps = process.phases.some(
      (phase) => phase.id !== phaseId && phase.startsAt < input.endsAt && input.startsAt < phase.endsAt,
    );
    if (overlaps) errors.startsOn = 'phaseOverlap';
  }
  if (Object.keys(errors).length > 0 || !parts) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const values = { title, startsAt: input.startsAt, endsAt: input.endsAt, parts };
  const id = await ctx.db.transaction().execute(async (tx) => {
    let id: number;
    if (current) {
      await updatePhaseRow(tx, current.id, values);
      id = current.id;
    } else id = await insertPhase(tx, organisation.id, process.id, values);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: current ? 'participation.phase.update' : 'participation.phase.create',
      subjectType: 'participation_process',
      subjectId: process.id,
      before: current,
      after: { id, ...values },
    });
    return id;
  });
  return { ok: true, id };
}

/** Removes a phase from a process's timeline. Audited. */
export async function deletePhase(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  processId: number,
  phaseId: number,
): Promise<void> {
  authorizeParticipation(viewer, 'manage-processes');
  const process = await findProcess(ctx.db, organisation.id, processId);
  const phase = process?.phases.find((p) => p.id === phaseId);
  if (!process || !phase) throw new AppError('PROCESS_PHASE_NOT_FOUND');
  await ctx.db.transaction().execute(async (tx) => {
    await deletePhaseRow(tx, phase.id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.phase.delete',
      subjectType: 'participation_process',
      subjectId: process.id,
      before: phase,
    });
  });
}
