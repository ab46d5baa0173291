import type { Translated } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import './inbox.schema.ts';

/* The city's answer templates, picked when answering a conversation. */

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export interface AnswerTemplate {
  id: number;
  name: string;
  texts: Translated;
  archived: boolean;
}

/** The city's answer templates, by name; archived ones only when asked. */
export async function findTemplates(
  db: Executor,
  organisationId: number,
  includeArchived = false,
): Promise<AnswerTemplate[]> {
  let query = db
    .selectFrom('inbox_template')
    .select(['id', 'name', 'texts', 'archived_at'])
    .where('organisation_id', '=', organisationId);
  if (!includeArchived) query = query.where('archived_at', 'is', null);
  const rows = await query.orderBy('archived_at', 'desc').orderBy('name').limit(500).execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    texts: json<Translated>(row.texts),
    archived: row.archived_at !== null,
  }));
}

export async function findTemplate(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<AnswerTemplate | undefined> {
  return (await findTemplates(db, organisationId, true)).find((template) => template.id === id);
}

export async function insertTemplate(
  db: Executor,
  organisationId: number,
  name: string,
  texts: Translated,
): Promise<number> {
  const row = await db
    .insertInto('inbox_template')
    .values({ organisation_id: organisationId, name, texts: JSON.stringify(texts), archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTemplate(
  db: Executor,
  organisationId: number,
  id: number,
  change: { name?: string; texts?: Translated; archived?: boolean },
): Promise<void> {
  await db
    .updateTable('inbox_template')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.texts !== undefined ? { texts: JSON.stringify(change.texts) } : {}),
      ...(change.archived !== undefined ? { archived_at: change.archived ? new Date() : null } : {}),
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}
