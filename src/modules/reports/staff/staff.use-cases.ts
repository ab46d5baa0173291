import { recordAudit } from '../../../platform/audit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { isLanguage, type Language } from '../../../platform/i18n/languages.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import {
  canManageReport,
  changeReportStatus,
  isReportStatus,
  mergeDuplicate,
  rerouteReport,
  setReportHidden,
} from '../manage-report.use-cases.ts';
import { findReportById } from '../reports-list.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from '../reports.schema.ts';
import { authorize } from './staff.policy.ts';
import {
  findAnswerTemplate,
  findAnswerTemplates,
  findReportInternals,
  saveAnswerTemplate,
  setPhotoHidden,
} from './staff.repository.ts';
import { referToLine } from './public-texts.ts';

/** Why a field of a staff form is refused, as a code; the page picks the text (shared.ts `problemText`). */
export type FieldProblem =
  | 'answerTooLong'
  | 'code'
  | 'codeTaken'
  | 'datatype'
  | 'deadline'
  | 'department'
  | 'group'
  | 'hideReason'
  | 'keepDuplicate'
  | 'keepId'
  | 'keepMissing'
  | 'keepSelf'
  | 'name'
  | 'noneSelected'
  | 'noteTooLong'
  | 'options'
  | 'questionCode'
  | 'questionCodeTwice'
  | 'questionLabel'
  | 'reason'
  | 'reasonTooLong'
  | 'referTo'
  | 'referToTooLong'
  | 'rerouteSame'
  | 'rerouteTarget'
  | 'routingCategory'
  | 'routingDepartment'
  | 'routingDistrict'
  | 'sort'
  | 'status'
  | 'tooMany'
  | 'tooManyQuestions';
/** Field problems by field name; a use case returns them instead of changing anything. */
export type FieldErrors = Record<string, FieldProblem>;
export type Outcome<T = object> = ({ ok: true } & T) | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors };

export const PUBLIC_ANSWER_MAX = 4000;
export const NOTE_MAX = 4000;
export const REASON_MAX = 1000;
export const REFER_TO_MAX = 500;
/** Reports one bulk action may touch: a page of the queue, with room. */
export const BULK_MAX = 200;

/** The statuses a status form offers: every status but "duplicate", which only a merge sets (it needs the report that stays). */
export const SETTABLE_STATUSES: readonly ReportStatus[] = [...OPEN_STATUSES, ...CLOSED_STATUSES].filter(
  (status) => status !== 'duplicate',
);

function actorOf(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

async function loadManageable(ctx: AppContext, viewer: Viewer, reportId: number) {
  const report = await findReportById(ctx.db, viewer.organisationId, reportId, true);
  if (!report) throw new AppError('REPORT_NOT_FOUND');
  if (!canManageReport(viewer, { department_id: report.departmentId })) throw new AppError('FORBIDDEN');
  return report;
}

/** The language a resident reads their report's answers in: their account's, else the city's default. */
export async function residentLanguage(
  ctx: AppContext,
  organisation: Organisation,
  reportId: number,
): Promise<Language> {
  const internals = await findReportInternals(ctx.db, organisation.id, reportId);
  const language = internals?.authorLanguage;
  if (isLanguage(language) && organisation.languages.includes(language)) return language;
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

/**
 * The answer template to start from for a status on a report: in the resident's language, else the
 * city's default language; '' when the city has written none.
 */
export async function templateFor(
  ctx: AppContext,
  organisation: Organisation,
  reportId: number,
  status: ReportStatus,
): Promise<{ body: string; language: string } | undefined> {
  const language = await residentLanguage(ctx, organisation, reportId);
  const template = await findAnswerTemplate(ctx.db, organisation.id, status, [
    ...new Set([language, organisation.defaultLanguage]),
  ]);
  return template ? { body: template.body, language: template.language } : undefined;
}

export interface StatusInput {
  status: string;
  publicText: string;
  internalNote: string;
  /** For "not our responsibility": whom the resident should contact instead. */
  referTo: string;
}

function checkStatusInput(input: StatusInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!isReportStatus(input.status) || !SETTABLE_STATUSES.includes(input.status)) errors.status = 'status';
  if (input.publicText.trim().length > PUBLIC_ANSWER_MAX) errors.publicText = 'answerTooLong';
  if (input.internalNote.trim().length > NOTE_MAX) errors.internalNote = 'noteTooLong';
  if (input.status === 'not_responsible' && !input.referTo.trim()) errors.referTo = 'referTo';
  if (input.referTo.trim().length > REFER_TO_MAX) errors.referTo = 'referToTooLong';
  return errors;
}

/** Sets the status; `changeReportStatus` locks the report and checks the viewer may handle it. */
async function applyStatus(
  ctx: AppContext,
  viewer: Viewer,
  organisation: Organisation,
  reportId: number,
  input: StatusInput,
): Promise<void> {
  const status = input.status as ReportStatus;
  const referTo = status === 'not_responsible' ? input.referTo.trim() : '';
  let publicText = input.publicText.trim();
  if (referTo) {
    // the contact is part of the public answer, in the language the resident reads it in
    const line = referToLine(await residentLanguage(ctx, organisation, reportId), referTo);
    publicText = [publicText, line].filter(Boolean).join('\n\n');
  }
  await changeReportStatus(ctx, viewer, reportId, {
    status,
    publicText,
    internalNote: input.internalNote,
    details: referTo ? { referTo } : undefined,
  });
}

/**
 * Gives one report a new status with a public answer (and an internal note). "Not our responsibility"
 * needs whom to contact instead; "duplicate" is set by merging, never here.
 */
export async function giveStatus(
  ctx: AppContext,
  viewer: Viewer,
  organisation: Organisation,
  reportId: number,
  input: StatusInput,
): Promise<Outcome> {
  await loadManageable(ctx, viewer, reportId);
  const errors = checkStatusInput(input);
  if (Object.keys(errors).length) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await applyStatus(ctx, viewer, organisation, reportId, input);
  return { ok: true };
}

export interface BulkResult {
  done: number[];
  failed: Array<{ id: number; code: string }>;
}

function checkIds(ids: number[]): FieldErrors {
  if (ids.length === 0) return { ids: 'noneSelected' };
  if (ids.length > BULK_MAX) return { ids: 'tooMany' };
  return {};
}

/** Runs `action` on each report on its own, so one report the viewer may not touch does not stop the others. */
async function eachReport(ids: number[], action: (id: number) => Promise<void>): Promise<BulkResult> {
  const result: BulkResult = { done: [], failed: [] };
  for (const id of [...new Set(ids)]) {
    try {
      await action(id);
      result.done.push(id);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      result.failed.push({ id, code: error.code });
    }
  }
  return result;
}

/** Gives several reports the same status and the same public answer; each change is audited on its own. */
export async function bulkGiveStatus(
  ctx: AppContext,
  viewer: Viewer,
  organisation: Organisation,
  ids: number[],
  input: StatusInput,
): Promise<Outcome<{ result: BulkResult }>> {
  authorize(viewer, 'use-queue');
  const errors = { ...checkIds(ids), ...checkStatusInput(input) };
  if (Object.keys(errors).length) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  return { ok: true, result: await eachReport(ids, (id) => applyStatus(ctx, viewer, organisation, id, input)) };
}

export interface RerouteInput {
  departmentId?: number | undefined;
  categoryId?: number | undefined;
  reason: string;
}

function checkReroute(input: RerouteInput): FieldErrors {
  const errors: FieldErrors = {};
  if (input.departmentId === undefined && input.categoryId === undefined) errors.departmentId = 'rerouteTarget';
  if (!input.reason.trim()) errors.reason = 'reason';
  else if (input.reason.trim().length > REASON_MAX) errors.reason = 'reasonTooLong';
  return errors;
}

/** Sends a report to another department and/or category; the reason is required and kept in its history. */
export async function reroute(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  input: RerouteInput,
): Promise<Outcome> {
  const report = await loadManageable(ctx, viewer, reportId);
  const errors = checkReroute(input);
  const sameDepartment = input.departmentId === undefined || input.departmentId === report.departmentId;
  const sameCategory = input.categoryId === undefined || input.categoryId === report.categoryId;
  if (!errors.departmentId && sameDepartment && sameCategory) errors.departmentId = 'rerouteSame';
  if (Object.keys(errors).length) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await rerouteReport(ctx, viewer, reportId, {
    departmentId: sameDepartment ? undefined : input.departmentId,
    categoryId: sameCategory ? undefined : input.categoryId,
    reason: input.reason,
  });
  return { ok: true };
}

/** Sends several reports to another department with one reason. */
export async function bulkReroute(
  ctx: AppContext,
  viewer: Viewer,
  ids: number[],
  input: { departmentId?: number | undefined; reason: string },
): Promise<Outcome<{ result: BulkResult }>> {
  authorize(viewer, 'use-queue');
  const errors = { ...checkIds(ids), ...checkReroute(input) };
  if (Object.keys(errors).length) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  return {
    ok: true,
    result: await eachReport(ids, (id) =>
      rerouteReport(ctx, viewer, id, { departmentId: input.departmentId, reason: input.reason }),
    ),
  };
}

/**
 * Closes a report as a duplicate of another one (typed as `123` or `#123`); its followers and photos
 * move to the report that stays.
 */
export async function mergeInto(
  ctx: AppContext,
  viewer: Viewer,
  duplicateId: number,
  keepText: string,
): Promise<Outcome<{ keepId: number; movedSubscribers: number; movedPhotos: number }>> {
  await loadManageable(ctx, viewer, duplicateId);
  const match = /^#?\s*(\d{1,15})$/.exec(keepText.trim());
  if (!match) return { ok: false, code: 'VALIDATION_FAILED', fields: { keepId: 'keepId' } };
  const keepId = Number(match[1]);
  if (keepId === duplicateId) return { ok: false, code: 'VALIDATION_FAILED', fields: { keepId: 'keepSelf' } };
  const keep = await findReportById(ctx.db, viewer.organisationId, keepId, true);
  if (!keep) return { ok: false, code: 'VALIDATION_FAILED', fields: { keepId: 'keepMissing' } };
  if (keep.status === 'duplicate') return { ok: false, code: 'VALIDATION_FAILED', fields: { keepId: 'keepDuplicate' } };
  const moved = await mergeDuplicate(ctx, viewer, duplicateId, keepId);
  return { ok: true, keepId, ...moved };
}

/** Hides a report from the public with a reason, or shows it again (moderators). */
export async function moderateReport(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  hidden: boolean,
  reason: string,
): Promise<Outcome> {
  authorize(viewer, 'moderate');
  if (hidden && !reason.trim()) return { ok: false, code: 'VALIDATION_FAILED', fields: { hideReason: 'hideReason' } };
  if (reason.trim().length > REASON_MAX)
    return { ok: false, code: 'VALIDATION_FAILED', fields: { hideReason: 'reasonTooLong' } };
  await setReportHidden(ctx, viewer, reportId, hidden, reason);
  return { ok: true };
}

/** Hides one photo of a report with a reason, or shows it again (moderators); audited. */
export async function moderatePhoto(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  photoId: number,
  hidden: boolean,
  reason: string,
): Promise<Outcome> {
  authorize(viewer, 'moderate');
  const text = reason.trim();
  if (hidden && !text)
    return { ok: false, code: 'VALIDATION_FAILED', fields: { [`photoReason-${photoId}`]: 'hideReason' } };
  if (text.length > REASON_MAX)
    return { ok: false, code: 'VALIDATION_FAILED', fields: { [`photoReason-${photoId}`]: 'reasonTooLong' } };
  await ctx.db.transaction().execute(async (tx) => {
    const before = await setPhotoHidden(tx, viewer.organisationId, reportId, photoId, hidden, text || null);
    if (!before) throw new AppError('NOT_FOUND');
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: hidden ? 'report.photo.hide' : 'report.photo.show',
      subjectType: 'report_photo',
      subjectId: photoId,
      before: { reportId, hidden: before.hiddenAt !== null, reason: before.hiddenReason },
      after: { reportId, hidden, reason: text || null },
    });
  });
  return { ok: true };
}

/**
 * Saves the answer templates of the city (administrators): one text per status and city language; an
 * empty text removes that template. Only the templates that changed are written and audited.
 */
export async function saveAnswerTemplates(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  entries: Array<{ status: string; language: string; body: string }>,
): Promise<Outcome<{ changed: number }>> {
  authorize(viewer, 'configure');
  const errors: FieldErrors = {};
  for (const entry of entries) {
    if (!isReportStatus(entry.status) || !organisation.languages.includes(entry.language))
      throw new AppError('VALIDATION_FAILED', 'Unknown status or language.');
    if (entry.body.trim().length > PUBLIC_ANSWER_MAX)
      errors[`template-${entry.status}-${entry.language}`] = 'answerTooLong';
  }
  if (Object.keys(errors).length) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  return ctx.db.transaction().execute(async (tx) => {
    const existing = await findAnswerTemplates(tx, organisation.id);
    let changed = 0;
    for (const entry of entries) {
      const body = entry.body.trim().replace(/\r\n/g, '\n');
      const before = existing.find((t) => t.status === entry.status && t.language === entry.language)?.body ?? '';
      if (before === body) continue;
      await saveAnswerTemplate(
        tx,
        organisation.id,
        { status: entry.status as ReportStatus, language: entry.language, body },
        viewer.id,
      );
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: actorOf(viewer),
        action: 'report.answer-template',
        subjectType: 'report_answer_template',
        subjectId: `${entry.status}/${entry.language}`,
        before: { body: before || null },
        after: { body: body || null },
      });
      changed++;
    }
    return { ok: true as const, changed };
  });
}
