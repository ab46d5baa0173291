import { sql, type Kysely } from 'kysely';

/**
 * Comments on reports and budget projects too, besides proposals and debates: the subject type's check
 * is widened. Those subjects belong to other modules, so there is no foreign key on `subject_id` (as
 * for proposals and debates); the use case checks that the subject exists and is visible.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table participation_comment drop constraint participation_comment_subject_type_check`.execute(db);
  await sql`
    alter table participation_comment add constraint participation_comment_subject_type_check
      check (subject_type in ('proposal', 'debate', 'report', 'budget_project'))`.execute(db);
}
