import type { Viewer } from '../../../platform/auth/users.ts';
import { recordAudit } from '../../../platform/audit.ts';
import type { Db, Executor } from '../../../platform/db/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { DEFAULT_RETENTION_DAYS } from './privacy.ts';
import '../inbox.schema.ts';

/** A city's inbox settings: how long personal data from channels is kept, and the first-response goal. */
export interface InboxSettings {
  retentionDays: number;
  firstResponseGoalHours: number;
}

export async function findInboxSettings(db: Executor, organisationId: number): Promise<InboxSettings> {
  const row = await db
    .selectFrom('inbox_setting')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return {
    retentionDays: row?.retention_days ?? DEFAULT_RETENTION_DAYS,
    firstResponseGoalHours: row?.first_response_goal_hours ?? 48,
  };
}

/** Saves the settings (administrators), audited with before and after. */
export async function saveInboxSettings(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  settings: InboxSettings,
): Promise<void> {
  authorizeInbox(viewer, 'configure');
  if (!Number.isInteger(settings.retentionDays) || settings.retentionDays < 7 || settings.retentionDays > 3650)
    throw new AppError('INBOX_SETTINGS_INVALID');
  if (
    !Number.isInteger(settings.firstResponseGoalHours) ||
    settings.firstResponseGoalHours < 1 ||
    settings.firstResponseGoalHours > 720
  )
    throw new AppError('INBOX_SETTINGS_INVALID');
  await inTransaction(db, async (tx) => {
    const before = await findInboxSettings(tx, organisationId);
    await tx
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
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'inbox.settings.update',
      subjectType: 'inbox_setting',
      subjectId: organisationId,
      before,
      after: settings,
    });
  });
}

/** One of the city's own topics, with its names and keywords per language. */
export interface Topic {
  id: number;
  key: string;
  names: Translated;
  keywords: Record<string, string[]>;
  departmentId: number | null;
  archived: boolean;
}

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The city's topics, archived ones last. */
export async function findTopics(
  db: Executor,
  organisationId: number,
  options: { includeArchived?: boolean } = {},
): Promise<Topic[]> {
  let query = db.selectFrom('inbox_topic').selectAll().where('organisation_id', '=', organisationId);
  if (!options.includeArchived) query = query.where('archived_at', 'is', null);
  const rows = await query
    .orderBy('archived_at', (ob) => ob.nullsFirst())
    .orderBy('key')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    names: json(row.names),
    keywords: json(row.keywords),
    departmentId: row.department_id,
    archived: row.archived_at !== null,
  }));
}

/**
 * Creates or changes a topic. Keywords are kept lower-case, without duplicates, at most 200 per
 * language; the key is fixed once created (messages carry it).
 */
export async function saveTopic(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  input: {
    id?: number;
    key: string;
    names: Translated;
    keywords: Record<string, string[]>;
    departmentId: number | null;
  },
): Promise<number> {
  authorizeInbox(viewer, 'configure');
  const names: Translated = Object.fromEntries(
    Object.entries(input.names)
      .map(([language, name]): [string, string] => [language, name.trim()])
      .filter(([, name]) => name !== ''),
  );
  if (
    !/^[a-z][a-z0-9_-]{0,39}$/.test(input.key) ||
    Object.keys(names).length === 0 ||
    Object.values(names).some((name) => name.length > 80)
  )
    throw new AppError('INBOX_TOPIC_INVALID');
  const keywords = Object.fromEntries(
    Object.entries(input.keywords).map(([language, words]) => [
      language,
      [
        ...new Set(
          words.map((word) => word.trim().toLowerCase()).filter((word) => word.length > 0 && word.length <= 60),
        ),
      ].slice(0, 200),
    ]),
  );
  return inTransaction(db, async (tx) => {
    const values = {
      names: JSON.stringify(names),
      keywords: JSON.stringify(keywords),
      department_id: input.departmentId,
    };
    const id =
      input.id === undefined
        ? (
            await tx
              .insertInto('inbox_topic')
              .values({ organisation_id: organisationId, key: input.key, ...values, archived_at: null })
              .onConflict((oc) => oc.constraint('inbox_topic_key').doNothing())
              .returning('id')
              .executeTakeFirst()
          )?.id
        : (
            await tx
              .updateTable('inbox_topic')
              .set(values)
              .where('id', '=', input.id)
              .where('organisation_id', '=', organisationId)
              .returning('id')
              .executeTakeFirst()
          )?.id;
    if (id === undefined) throw new AppError('INBOX_TOPIC_INVALID');
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: input.id === undefined ? 'inbox.topic.create' : 'inbox.topic.update',
      subjectType: 'inbox_topic',
      subjectId: id,
      after: { key: input.key, names, keywords },
    });
    return id;
  });
}

/** Archives or restores a topic: messages keep it, the classifier stops proposing it. */
export async function setTopicArchived(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  topicId: number,
  archived: boolean,
): Promise<void> {
  authorizeInbox(viewer, 'configure');
  await inTransaction(db, async (tx) => {
    const result = await tx
      .updateTable('inbox_topic')
      .set({ archived_at: archived ? new Date() : null })
      .where('id', '=', topicId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError('INBOX_TOPIC_INVALID');
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: archived ? 'inbox.topic.archive' : 'inbox.topic.restore',
      subjectType: 'inbox_topic',
      subjectId: topicId,
    });
  });
}
