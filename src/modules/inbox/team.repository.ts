import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { NotificationKind } from './inbox.schema.ts';
import './inbox.schema.ts';
import { staffOfCity } from './assignment.repository.ts';

/* The team's side of the inbox: internal notes, notifications and each person's preferences. */

export interface StaffPreferences {
  notifyNewMessage: boolean;
  emailNewMessage: boolean;
  emailAssignment: boolean;
  emailMention: boolean;
  shortcuts: boolean;
}

export const DEFAULT_PREFERENCES: StaffPreferences = {
  notifyNewMessage: false,
  emailNewMessage: false,
  emailAssignment: true,
  emailMention: true,
  shortcuts: true,
};

/** A member of staff as notes and notifications need them: handle, mail address, language, preferences. */
export interface StaffMember extends StaffPreferences {
  id: number;
  name: string;
  email: string | null;
  language: string | null;
  departmentIds: number[];
}

/** The city's staff (and department members) who may be mentioned and notified, with their preferences. */
export async function findStaffMembers(db: Executor, organisationId: number): Promise<StaffMember[]> {
  const rows = await staffOfCity(db, organisationId)
    .leftJoin('inbox_staff_preference as p', 'p.user_id', 'u.id')
    .select([
      'u.email',
      'u.language',
      'p.notify_new_message',
      'p.email_new_message',
      'p.email_assignment',
      'p.email_mention',
      'p.shortcuts',
    ])
    .limit(2000)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.display_name,
    email: row.email,
    language: row.language,
    departmentIds: row.department_ids,
    notifyNewMessage: row.notify_new_message ?? DEFAULT_PREFERENCES.notifyNewMessage,
    emailNewMessage: row.email_new_message ?? DEFAULT_PREFERENCES.emailNewMessage,
    emailAssignment: row.email_assignment ?? DEFAULT_PREFERENCES.emailAssignment,
    emailMention: row.email_mention ?? DEFAULT_PREFERENCES.emailMention,
    shortcuts: row.shortcuts ?? DEFAULT_PREFERENCES.shortcuts,
  }));
}

/** One person's preferences (the defaults without a row). */
export async function findPreferences(db: Executor, userId: number): Promise<StaffPreferences> {
  const row = await db
    .selectFrom('inbox_staff_preference')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return DEFAULT_PREFERENCES;
  return {
    notifyNewMessage: row.notify_new_message,
    emailNewMessage: row.email_new_message,
    emailAssignment: row.email_assignment,
    emailMention: row.email_mention,
    shortcuts: row.shortcuts,
  };
}

export async function upsertPreferences(
  db: Executor,
  organisationId: number,
  userId: number,
  preferences: StaffPreferences,
): Promise<void> {
  const values = {
    notify_new_message: preferences.notifyNewMessage,
    email_new_message: preferences.emailNewMessage,
    email_assignment: preferences.emailAssignment,
    email_mention: preferences.emailMention,
    shortcuts: preferences.shortcuts,
  };
  await db
    .insertInto('inbox_staff_preference')
    .values({ user_id: userId, organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

export async function insertNote(
  db: Executor,
  values: { organisationId: number; conversationId: number; authorId: number; body: string; mentioned: number[] },
): Promise<number> {
  const row = await db
    .insertInto('inbox_note')
    .values({
      organisation_id: values.organisationId,
      conversation_id: values.conversationId,
      author_id: values.authorId,
      body: values.body,
      mentioned: values.mentioned,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface Note {
  id: number;
  body: string;
  authorName: string | null;
  createdAt: Date;
}

/** A conversation's internal notes, oldest first. */
export async function findNotes(db: Executor, conversationId: number): Promise<Note[]> {
  const rows = await db
    .selectFrom('inbox_note as n')
    .leftJoin('core_user as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.body', 'n.created_at', 'u.display_name'])
    .where('n.conversation_id', '=', conversationId)
    .orderBy('n.id')
    .limit(500)
    .execute();
  return rows.map((row) => ({ id: row.id, body: row.body, authorName: row.display_name, createdAt: row.created_at }));
}

export async function insertNotifications(
  db: Executor,
  rows: Array<{
    organisationId: number;
    userId: number;
    kind: NotificationKind;
    conversationId: number;
    actorId: number | null;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('inbox_notification')
    .values(
      rows.map((row) => ({
        organisation_id: row.organisationId,
        user_id: row.userId,
        kind: row.kind,
        conversation_id: row.conversationId,
        actor_id: row.actorId,
      })),
    )
    .execute();
}

export interface NotificationRow {
  id: number;
  kind: NotificationKind;
  conversationId: number;
  actorName: string | null;
  subject: string | null;
  createdAt: Date;
  read: boolean;
}

/** A person's latest notifications (unread first), and how many are unread. */
export async function findNotifications(
  db: Executor,
  organisationId: number,
  userId: number,
  limit = 50,
): Promise<{ unread: number; rows: NotificationRow[] }> {
  const [count, rows] = await Promise.all([
    db
      .selectFrom('inbox_notification')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('inbox_notification as n')
      .innerJoin('inbox_conversation as c', 'c.id', 'n.conversation_id')
      .leftJoin('inbox_message as f', 'f.id', 'c.first_incoming_id')
      .leftJoin('core_user as a', 'a.id', 'n.actor_id')
      .select([
        'n.id',
        'n.kind',
        'n.conversation_id',
        'n.created_at',
        'n.read_at',
        'a.display_name',
        'c.subject',
        'f.body',
      ])
      .where('n.user_id', '=', userId)
      .where('n.organisation_id', '=', organisationId)
      .orderBy(sql`n.read_at is null`, 'desc')
      .orderBy('n.id', 'desc')
      .limit(limit)
      .execute(),
  ]);
  return {
    unread: Number(count.n),
    rows: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      conversationId: row.conversation_id,
      actorName: row.display_name,
      subject: row.subject ?? row.body,
      createdAt: row.created_at,
      read: row.read_at !== null,
    })),
  };
}

/** How many notifications a person has not read. */
export async function countUnread(db: Executor, organisationId: number, userId: number): Promise<number> {
  const row = await db
    .selectFrom('inbox_notification')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks a person's notifications read: all of them, or those of one conversation. */
export async function markNotificationsRead(
  db: Executor,
  organisationId: number,
  userId: number,
  conversationId?: number,
): Promise<void> {
  let query = db
    .updateTable('inbox_notification')
    .set({ read_at: new Date() })
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .where('read_at', 'is', null);
  if (conversationId !== undefined) query = query.where('conversation_id', '=', conversationId);
  await query.execute();
}

/**
 * The city's incoming messages not yet told to departments (above the stored cursor; the first run
 * starts from the latest message), with their conversation's department; and moves the cursor past them.
 * Runs in the caller's transaction, the cursor row locked, so two workers tell each message once.
 */
export async function takeNewIncomingMessages(
  tx: Executor,
  organisationId: number,
  limit: number,
): Promise<Array<{ messageId: number; conversationId: number; departmentId: number }>> {
  await sql`
    insert into inbox_notification_cursor (organisation_id, last_message_id)
    values (${organisationId}, coalesce((select max(id) from inbox_message where organisation_id = ${organisationId}), 0))
    on conflict (organisation_id) do nothing`.execute(tx);
  const cursor = await tx
    .selectFrom('inbox_notification_cursor')
    .select('last_message_id')
    .where('organisation_id', '=', organisationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const rows = await tx
    .selectFrom('inbox_message as m')
    .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
    .select(['m.id', 'm.conversation_id', 'c.department_id'])
    .where('m.organisation_id', '=', organisationId)
    .where('m.id', '>', cursor.last_message_id)
    .where('m.direction', '=', 'in')
    .orderBy('m.id')
    .limit(limit)
    .execute();
  const last = rows.at(-1);
  if (last)
    await tx
      .updateTable('inbox_notification_cursor')
      .set({ last_message_id: last.id })
      .where('organisation_id', '=', organisationId)
      .execute();
  return rows
    .filter((row) => row.department_id !== null)
    .map((row) => ({
      messageId: row.id,
      conversationId: row.conversation_id,
      departmentId: row.department_id as number,
    }));
}

/** The cities with an inbox channel (the new-message job runs for each). */
export async function findOrganisationsWithInbox(db: Executor): Promise<number[]> {
  const rows = await db.selectFrom('inbox_channel').select('organisation_id').distinct().execute();
  return rows.map((row) => row.organisation_id);
}
