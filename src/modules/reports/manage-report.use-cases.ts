import { recordEvent } from '../../platform/events.ts';
import { reportChanged } from './reports.events.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import type { Tx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import {
  activeDepartmentExists,
  categoryExists,
  deleteReportFollowers,
  insertReportUpdate,
  lockReport as lockReportRow,
  markReportDuplicate,
  moveReportFollowers,
  moveReportPhotos,
  reopenReport,
  touchReport,
  updateReportHidden,
  updateReportRouting,
  updateReportStatus,
  type LockedReport,
} from './manage-report.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from './reports.schema.ts';

const ALL_STATUSES: readonly string[] = [...OPEN_STATUSES, ...CLOSED_STATUSES];

export function isReportStatus(value: unknown): value is ReportStatus {
  return typeof value === 'string' && ALL_STATUSES.includes(value);
}

/**
 * The policy of the reports module for staff actions: administrators act on every report, staff on the
 * reports of their departments, moderators only hide and show.
 */
export function canManageReport(viewer: Viewer | null, report: { department_id: number | null }): boolean {
  if (!viewer) return false;
  if (viewer.role === 'admin') return true;
  return (
    hasRole(viewer, 'staff') && report.department_id !== null && viewer.departmentIds.includes(report.department_id)
  );
}

async function lockReport(tx: Tx, organisationId: number, reportId: number): Promise<LockedReport> {
  const report = await lockReportRow(tx, organisationId, reportId);
  if (!report) throw new AppError('REPORT_NOT_FOUND');
  return report;
}

function actor(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

/** Changes a report's status, with an optional public answer and internal note; closing sets `closed_at`. */
export async function changeReportStatus(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  input: {
    status: ReportStatus;
    publicText?: string | undefined;
    internalNote?: string | undefined;
    details?: Record<string, unknown> | undefined;
  },
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, viewer.organisationId, reportId);
    if (!canManageReport(viewer, report)) throw new AppError('FORBIDDEN');
    const closing = (CLOSED_STATUSES as readonly string[]).includes(input.status);
    await updateReportStatus(tx, report.id, input.status, closing);
    await recordEvent(tx, viewer.organisationId, 'report.updated', reportChanged(report.id, 'status', input.status));
    await insertReportUpdate(tx, {
      organisation_id: viewer.organisationId,
      report_id: report.id,
      kind: 'status',
      author_id: viewer.id,
      author_label: null,
      status_from: report.status,
      status_to: input.status,
      public_text: input.publicText?.trim() || null,
      internal_note: input.internalNote?.trim() || null,
      details: JSON.stringify(input.details ?? {}),
      hidden_at: null,
    });
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actor(viewer),
      action: 'report.status',
      subjectType: 'report',
      subjectId: report.id,
      before: { status: report.status },
      after: { status: input.status, ...input.details },
    });
  });
}

/** Sends a report to another department and/or category, keeping the reason in its history. */
export async function rerouteReport(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  input: { departmentId?: number | undefined; categoryId?: number | undefined; reason: string },
): Promise<void> {
  const reason = input.reason.trim();
  if (!reason) throw new AppError('VALIDATION_FAILED', 'Say why the report is re-routed.');
  await ctx.db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, viewer.organisationId, reportId);
    if (!canManageReport(viewer, report)) throw new AppError('FORBIDDEN');
    if (input.departmentId !== undefined) {
      if (!(await activeDepartmentExists(tx, viewer.organisationId, input.departmentId)))
        throw new AppError('VALIDATION_FAILED', 'There is no such department.');
    }
    if (input.categoryId !== undefined) {
      if (!(await categoryExists(tx, viewer.organisationId, input.categoryId)))
        throw new AppError('REPORT_UNKNOWN_CATEGORY');
    }
    const after = {
      departmentId: input.departmentId ?? report.department_id,
      categoryId: input.categoryId ?? report.category_id,
    };
    await updateReportRouting(tx, report.id, after.departmentId, after.categoryId);
    await recordEvent(tx, viewer.organisationId, 'report.updated', reportChanged(report.id, 'routing'));
    await insertReportUpdate(tx, {
      organisation_id: viewer.organisationId,
      report_id: report.id,
      kind: 'reroute',
      author_id: viewer.id,
      author_label: null,
      status_from: null,
      status_to: null,
      public_text: null,
      internal_note: reason,
      details: JSON.stringify({
        from: { departmentId: report.department_id, categoryId: report.category_id },
        to: after,
      }),
      hidden_at: null,
    });
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actor(viewer),
      action: 'report.reroute',
      subjectType: 'report',
      subjectId: report.id,
      before: { departmentId: report.department_id, categoryId: report.category_id },
      after: { ...after, reason },
    });
  });
}

/**
 * Closes `duplicateId` as a duplicate of `keepId`: its followers and photos move to the report that
 * stays (a follower of both keeps one subscription), and both histories record the merge.
 */
export async function mergeDuplicate(
  ctx: AppContext,
  viewer: Viewer,
  duplicateId: number,
  keepId: number,
): Promise<{ movedSubscribers: number; movedPhotos: number }> {
  if (duplicateId === keepId) throw new AppError('VALIDATION_FAILED', 'A report cannot be a duplicate of itself.');
  return ctx.db.transaction().execute(async (tx) => {
    const [first, second] = duplicateId < keepId ? [duplicateId, keepId] : [keepId, duplicateId];
    const a = await lockReport(tx, viewer.organisationId, first);
    const b = await lockReport(tx, viewer.organisationId, second);
    const duplicate = a.id === duplicateId ? a : b;
    const keep = a.id === keepId ? a : b;
    if (!canManageReport(viewer, duplicate)) throw new AppError('FORBIDDEN');
    if (duplicate.status === 'duplicate')
      throw new AppError('VALIDATION_FAILED', `Report #${duplicate.id} is already a duplicate.`);
    // no chains: residents following the duplicate must land on the report where the work happens
    if (keep.status === 'duplicate')
      throw new AppError(
        'VALIDATION_FAILED',
        `Report #${keep.id} is itself a duplicate; merge into the report it points to.`,
      );
    await markReportDuplicate(tx, duplicate.id, keep.id);
    await recordEvent(tx, viewer.organisationId, 'report.updated', reportChanged(duplicate.id, 'merged', 'duplicate'));
    const line = (
      reportId: number,
      kind: 'merge' | 'status',
      text: string,
      statusFrom: string | null,
      statusTo: string | null,
    ) =>
      insertReportUpdate(tx, {
        organisation_id: viewer.organisationId,
        report_id: reportId,
        kind,
        author_id: viewer.id,
        author_label: null,
        status_from: statusFrom,
        status_to: statusTo,
        public_text: text,
        internal_note: null,
        details: JSON.stringify({ duplicateId: duplicate.id, keepId: keep.id }),
        hidden_at: null,
      });
    await line(
      duplicate.id,
      'status',
      `Duplicate of report #${keep.id}, where this problem is followed.`,
      duplicate.status,
      'duplicate',
    );
    await line(keep.id, 'merge', `Report #${duplicate.id} described the same problem and was merged here.`, null, null);
    await touchReport(tx, keep.id);
    // followers move unless they already follow the report that stays (one subscription per person)
    const movedSubscribers = await moveReportFollowers(tx, duplicate.id, keep.id);
    await deleteReportFollowers(tx, duplicate.id);
    const movedPhotos = await moveReportPhotos(tx, duplicate.id, keep.id);
    const result = { movedSubscribers, movedPhotos };
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actor(viewer),
      action: 'report.merge',
      subjectType: 'report',
      subjectId: duplicate.id,
      before: { status: duplicate.status },
      after: { status: 'duplicate', duplicateOf: keep.id, ...result },
    });
    return result;
  });
}

/** Hides a report from the public (moderation), with the reason logged; `hidden: false` shows it again. */
export async function setReportHidden(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  hidden: boolean,
  reason: string,
): Promise<void> {
  if (!hasRole(viewer, 'moderator')) throw new AppError('FORBIDDEN');
  if (hidden && !reason.trim()) throw new AppError('VALIDATION_FAILED', 'Give the reason for hiding the report.');
  await ctx.db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, viewer.organisationId, reportId);
    await updateReportHidden(tx, report.id, hidden, hidden ? reason.trim() : null);
    await recordEvent(tx, viewer.organisationId, 'report.updated', reportChanged(report.id, 'visibility'));
    await insertReportUpdate(tx, {
      organisation_id: viewer.organisationId,
      report_id: report.id,
      kind: 'hide',
      author_id: viewer.id,
      author_label: null,
      status_from: null,
      status_to: null,
      public_text: null,
      internal_note: reason.trim() || null,
      details: JSON.stringify({ hidden }),
      hidden_at: null,
    });
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actor(viewer),
      action: hidden ? 'report.hide' : 'report.show',
      subjectType: 'report',
      subjectId: report.id,
      after: { reason: reason.trim() },
    });
  });
}

/**
 * A resident adds an update to a report, also after it was closed. When they say the problem is still
 * there, a closed report is reopened for its department.
 */
export async function addResidentUpdate(
  ctx: AppContext,
  viewer: Viewer,
  reportId: number,
  input: { text: string; stillThere: boolean },
): Promise<{ reopened: boolean }> {
  const text = input.text.trim();
  if (!text) throw new AppError('VALIDATION_FAILED', 'Write your update.');
  if (text.length > 2000) throw new AppError('VALIDATION_FAILED', 'An update can have at most 2,000 characters.');
  return ctx.db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, viewer.organisationId, reportId);
    const closed = (CLOSED_STATUSES as readonly string[]).includes(report.status);
    const reopen = closed && input.stillThere && report.status !== 'duplicate';
    await insertReportUpdate(tx, {
      organisation_id: viewer.organisationId,
      report_id: report.id,
      kind: reopen ? 'reopen' : 'comment',
      author_id: viewer.id,
      author_label: null,
      status_from: reopen ? report.status : null,
      status_to: reopen ? 'confirmed' : null,
      public_text: text,
      internal_note: null,
      details: JSON.stringify({ stillThere: input.stillThere }),
      hidden_at: null,
    });
    if (reopen) await reopenReport(tx, report.id);
    else await touchReport(tx, report.id);
    await recordEvent(
      tx,
      viewer.organisationId,
      'report.updated',
      reportChanged(report.id, 'update', reopen ? 'confirmed' : report.status),
    );
    return { reopened: reopen };
  });
}
