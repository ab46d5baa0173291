import type { Executor } from '../../platform/db/database.ts';
import './publishing.schema.ts';

export interface ApprovalStep {
  id: number;
  departmentId: number | null;
  position: number;
  name: string;
  approverDepartmentId: number | null;
  approverUserIds: number[];
}

/** Every configured step of the city, by department (null: the steps of posts without their own). */
export async function findAllSteps(db: Executor, organisationId: number): Promise<ApprovalStep[]> {
  const rows = await db
    .selectFrom('publishing_approval_step')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('department_id', 'asc')
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    departmentId: row.department_id,
    position: row.position,
    name: row.name,
    approverDepartmentId: row.approver_department_id,
    approverUserIds: row.approver_user_ids,
  }));
}

/** Replaces the steps of one department (or of posts without a department). */
export async function replaceSteps(
  db: Executor,
  organisationId: number,
  departmentId: number | null,
  steps: Array<{ name: string; approverDepartmentId: number | null; approverUserIds: number[] }>,
): Promise<void> {
  let remove = db.deleteFrom('publishing_approval_step').where('organisation_id', '=', organisationId);
  remove =
    departmentId === null
      ? remove.where('department_id', 'is', null)
      : remove.where('department_id', '=', departmentId);
  await remove.execute();
  if (steps.length === 0) return;
  await db
    .insertInto('publishing_approval_step')
    .values(
      steps.map((step, position) => ({
        organisation_id: organisationId,
        department_id: departmentId,
        position,
        name: step.name,
        approver_department_id: step.approverDepartmentId,
        approver_user_ids: step.approverUserIds,
      })),
    )
    .execute();
}

export interface ReviewLink {
  id: number;
  postId: number;
  reviewerName: string;
  expiresAt: Date;
}

export async function insertReviewLink(
  db: Executor,
  values: {
    organisationId: number;
    postId: number;
    tokenHash: string;
    reviewerName: string;
    expiresAt: Date;
    createdBy: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('publishing_review_link')
    .values({
      organisation_id: values.organisationId,
      post_id: values.postId,
      token_hash: values.tokenHash,
      reviewer_name: values.reviewerName,
      expires_at: values.expiresAt,
      created_by: values.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findReviewLink(
  db: Executor,
  organisationId: number,
  tokenHash: string,
): Promise<ReviewLink | undefined> {
  const row = await db
    .selectFrom('publishing_review_link')
    .select(['id', 'post_id', 'reviewer_name', 'expires_at'])
    .where('organisation_id', '=', organisationId)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && { id: row.id, postId: row.post_id, reviewerName: row.reviewer_name, expiresAt: row.expires_at };
}

export async function findReviewLinks(db: Executor, postId: number): Promise<ReviewLink[]> {
  const rows = await db
    .selectFrom('publishing_review_link')
    .select(['id', 'post_id', 'reviewer_name', 'expires_at'])
    .where('post_id', '=', postId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    postId: row.post_id,
    reviewerName: row.reviewer_name,
    expiresAt: row.expires_at,
  }));
}

/** Staff of the city by e-mail address (approvers named on the steps page); unknown addresses are left out. */
export async function findStaffByEmails(
  db: Executor,
  organisationId: number,
  emails: string[],
): Promise<Array<{ id: number; email: string }>> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('core_user')
    .select(['id', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('deleted_at', 'is', null)
    .where(
      (eb) => eb.fn('lower', ['email']),
      'in',
      emails.map((email) => email.toLowerCase()),
    )
    .execute();
  return rows.flatMap((row) => (row.email ? [{ id: row.id, email: row.email }] : []));
}

export async function findEmailsOfUsers(
  db: Executor,
  organisationId: number,
  ids: number[],
): Promise<Record<number, string>> {
  if (ids.length === 0) return {};
  const rows = await db
    .selectFrom('core_user')
    .select(['id', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.id, row.email ?? '']));
}
