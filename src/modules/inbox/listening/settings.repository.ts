import type { Executor } from '../../../platform/db/database.ts';
import '../inbox.schema.ts';

/** The city's row of inbox settings, if it saved any. */
export async function findInboxSettingRow(db: Executor, organisationId: number) {
  return db.selectFrom('inbox_setting').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst();
}

/** Inserts or replaces the city's inbox settings. */
export async function upsertInboxSetting(
  db: Executor,
  organisationId: number,
  settings: { retentionDays: number; firstResponseGoalHours: number },
): Promise<void> {
  await db
    .insertInto('inbox_setting')
    .values({
      organisation_id: organisationId,
      retention_days: settings.retentionDays,
      first_response_goal_hours: settings.firstResponseGoalHours,
    })
    .onConflict((oc) =>
      oc.column('organisation_id').doUpdateSet({
        retention_days: settings.retentionDays,
        first_response_goal_hours: settings.firstResponseGoalHours,
      }),
    )
    .execute();
}

/** The city's topic rows, archived ones last (without archived ones unless asked). */
export async function findTopicRows(db: Executor, organisationId: number, includeArchived: boolean) {
  let query = db.selectFrom('inbox_topic').selectAll().where('organisation_id', '=', organisationId);
  if (!includeArchived) query = query.where('archived_at', 'is', null);
  return query
    .orderBy('archived_at', (ob) => ob.nullsFirst())
    .orderBy('key')
    .execute();
}

interface TopicValues {
  names: string;
  keywords: string;
  department_id: number | null;
}

/** Inserts a topic; undefined when the key is taken. */
export async function insertTopic(
  db: Executor,
  organisationId: number,
  key: string,
  values: TopicValues,
): Promise<number | undefined> {
  return (
    await db
      .insertInto('inbox_topic')
      .values({ organisation_id: organisationId, key, ...values, archived_at: null })
      .onConflict((oc) => oc.constraint('inbox_topic_key').doNothing())
      .returning('id')
      .executeTakeFirst()
  )?.id;
}

/** Changes a city's topic; undefined when there is no such topic. */
export async function updateTopic(
  db: Executor,
  organisationId: number,
  topicId: number,
  values: TopicValues,
): Promise<number | undefined> {
  return (
    await db
      .updateTable('inbox_topic')
      .set(values)
      .where('id', '=', topicId)
      .where('organisation_id', '=', organisationId)
      .returning('id')
      .executeTakeFirst()
  )?.id;
}

/** Archives (now) or restores a city's topic; false when there is no such topic. */
export async function markTopicArchived(
  db: Executor,
  organisationId: number,
  topicId: number,
  archived: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('inbox_topic')
    .set({ archived_at: archived ? new Date() : null })
    .where('id', '=', topicId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) !== 0;
}
