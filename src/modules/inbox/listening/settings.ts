import type { Viewer } from '../../../platform/auth/users.ts';
import { recordAudit } from '../../../platform/audit.ts';
import type { Db, Executor } from '../../../platform/db/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { DEFAULT_RETENTION_DAYS } from './privacy.ts';
import {
  findInboxSettingRow,
  findTopicRows,
  insertTopic,
  markTopicArchived,
  updateTopic,
  upsertInboxSetting,
} from './settings.repository.ts';
import '../inbox.schema.ts';

/** A city's inbox settings: how long personal data from channels is kept, and the first-response goal. */
export interface InboxSettings {
  retentionDays: number;
  firstResponseGoalHours: number;
}

export async function findInboxSettings(db: Executor, organisationId: number): Promise<InboxSettings> {
  const row = await findInboxSettingRow(db, organisationId);
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
    await upsertInboxSetting(tx, organisationId, settings);
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
  const rows = await findTopicRows(db, organisationId, options.includeArchived === true);
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
        ? await insertTopic(tx, organisationId, input.key, values)
        : await updateTopic(tx, organisationId, input.id, values);
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
    if (!(await markTopicArchived(tx, organisationId, topicId, archived))) throw new AppError('INBOX_TOPIC_INVALID');
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: archived ? 'inbox.topic.archive' : 'inbox.topic.restore',
      subjectType: 'inbox_topic',
      subjectId: topicId,
    });
  });
}
