import type { Executor } from './db/database.ts';

export interface AuditEntry {
  organisationId: number;
  actor: { id: number; label: string } | { id: null; label: string };
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Records a staff action: who, what, when, before and after. Call it in the same transaction as the
 * change, so that no change exists without its audit line.
 */
export async function recordAudit(executor: Executor, entry: AuditEntry): Promise<void> {
  await executor
    .insertInto('core_audit_log')
    .values({
      organisation_id: entry.organisationId,
      actor_user_id: entry.actor.id,
      actor_label: entry.actor.label,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId),
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}
