import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction, type Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findConversation } from './conversations.repository.ts';
import type { NotificationKind } from './inbox.schema.ts';
import { authorizeInbox } from './inbox.policy.ts';
import {
  findOrganisationsWithInbox,
  findStaffMembers,
  insertNote,
  insertNotifications,
  markNotificationsRead,
  takeNewIncomingMessages,
  upsertPreferences,
  type StaffMember,
  type StaffPreferences,
} from './team.repository.ts';
import { notificationMail } from './team.mails.ts';

const NOTE_MAX = 5_000;
/** The job that tells department members about new messages (every minute). */
export const NOTIFY_NEW_JOB = 'inbox.notify-new-messages';
export const NOTIFY_NEW_EVERY_MS = 60_000;

/** The handles a person is mentioned by: their mail address's local part and their name without spaces. */
export function handlesOf(person: { name: string; email: string | null }): string[] {
  const handles = [person.name.replace(/\s+/g, '').toLocaleLowerCase()];
  const local = person.email?.split('@')[0]?.toLocaleLowerCase();
  if (local) handles.push(local);
  return handles;
}

/** The staff an internal note mentions with `@handle` (each once). */
export function mentionedIn(text: string, staff: StaffMember[]): StaffMember[] {
  const tokens = new Set(
    [...text.matchAll(/(?:^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]+)/gu)].map((m) =>
      (m[1] ?? '').replace(/[.-]+$/, '').toLocaleLowerCase(),
    ),
  );
  return staff.filter((person) => handlesOf(person).some((handle) => tokens.has(handle)));
}

function wantsMail(person: StaffMember, kind: NotificationKind): boolean {
  if (kind === 'mention') return person.emailMention;
  if (kind === 'assignment') return person.emailAssignment;
  return person.emailNewMessage;
}

/**
 * Stores notifications for these people about a conversation and queues the mails their preferences
 * ask for, in the caller's transaction. Nobody is notified of their own act.
 */
async function notify(
  ctx: AppContext,
  tx: Executor,
  organisation: Organisation,
  kind: NotificationKind,
  conversationId: number,
  people: StaffMember[],
  actor: { id: number; name: string } | null,
): Promise<void> {
  const organisationId = organisation.id;
  const recipients = people.filter((person) => person.id !== actor?.id);
  if (recipients.length === 0) return;
  await insertNotifications(
    tx,
    recipients.map((person) => ({
      organisationId,
      userId: person.id,
      kind,
      conversationId,
      actorId: actor?.id ?? null,
    })),
  );
  const mailed = recipients.filter((person) => person.email && wantsMail(person, kind));
  if (mailed.length === 0) return;
  const conversation = await findConversation(tx, organisationId, conversationId);
  if (!conversation) return;
  for (const person of mailed) {
    const words = notificationMail(person.language, organisation.defaultLanguage, kind, {
      actor: actor?.name ?? '',
      subject: (conversation.subject ?? `#${conversation.id}`).slice(0, 120),
      link: absoluteUrl(ctx.config, organisation, `/staff/inbox/${conversationId}`),
      preferences: absoluteUrl(ctx.config, organisation, '/staff/inbox/preferences'),
    });
    await ctx.mail.send({ organisationId, to: person.email as string, ...words }, tx);
  }
}

/**
 * Writes an internal note on a conversation for the team: never sent to the resident. The staff it
 * mentions with `@handle` are notified (in the page, and by mail if they wish). Audited.
 */
export async function addNote(
  ctx: AppContext,
  viewer: Viewer | null,
  conversationId: number,
  text: string,
): Promise<{ noteId: number; mentioned: number[] }> {
  authorizeInbox(viewer, 'answer');
  const body = text.trim();
  if (body === '') throw new AppError('INBOX_NOTE_EMPTY');
  if (body.length > NOTE_MAX) throw new AppError('INBOX_NOTE_TOO_LONG');
  const conversation = await findConversation(ctx.db, viewer.organisationId, conversationId);
  if (!conversation) throw new AppError('INBOX_CONVERSATION_NOT_FOUND');
  const staff = await findStaffMembers(ctx.db, viewer.organisationId);
  const mentioned = mentionedIn(body, staff);
  // read before the transaction: PGlite has one connection, which the transaction holds
  const organisation = await cityOf(ctx, viewer.organisationId);
  return inTransaction(ctx.db, async (tx) => {
    const noteId = await insertNote(tx, {
      organisationId: viewer.organisationId,
      conversationId: conversation.id,
      authorId: viewer.id,
      body,
      mentioned: mentioned.map((person) => person.id),
    });
    await notify(ctx, tx, organisation, 'mention', conversation.id, mentioned, {
      id: viewer.id,
      name: viewer.displayName,
    });
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'inbox.conversation.note',
      subjectType: 'inbox_conversation',
      subjectId: conversation.id,
      after: { noteId, mentioned: mentioned.map((person) => person.id) },
    });
    return { noteId, mentioned: mentioned.map((person) => person.id) };
  });
}

/** The viewer's city (read outside any transaction). */
export async function cityOf(ctx: AppContext, organisationId: number): Promise<Organisation> {
  const organisation = await ctx.organisations.findById(organisationId);
  if (!organisation) throw new AppError('NOT_FOUND');
  return organisation;
}

/** Tells the person a conversation was assigned to (not when they took it themselves). */
export async function notifyAssignment(
  ctx: AppContext,
  tx: Executor,
  organisation: Organisation,
  viewer: Viewer,
  conversationId: number,
  assigneeId: number,
): Promise<void> {
  const person = (await findStaffMembers(tx, viewer.organisationId)).find((member) => member.id === assigneeId);
  if (!person) return;
  await notify(ctx, tx, organisation, 'assignment', conversationId, [person], {
    id: viewer.id,
    name: viewer.displayName,
  });
}

/**
 * The job: each city's incoming messages since the last run, told to the members of the department
 * their conversation is assigned to who asked for it (in the page, and by mail if they wish).
 */
export async function notifyNewMessages(ctx: AppContext): Promise<number> {
  let told = 0;
  for (const organisationId of await findOrganisationsWithInbox(ctx.db)) {
    const organisation = await ctx.organisations.findById(organisationId);
    if (!organisation) continue;
    told += await inTransaction(ctx.db, async (tx) => {
      const messages = await takeNewIncomingMessages(tx, organisationId, 500);
      if (messages.length === 0) return 0;
      const staff = (await findStaffMembers(tx, organisationId)).filter((person) => person.notifyNewMessage);
      let count = 0;
      // one notification per conversation and run, however many messages it got
      const conversations = new Map(messages.map((m) => [m.conversationId, m.departmentId]));
      for (const [conversationId, departmentId] of conversations) {
        const members = staff.filter((person) => person.departmentIds.includes(departmentId));
        await notify(ctx, tx, organisation, 'new_message', conversationId, members, null);
        count += members.length;
      }
      return count;
    });
  }
  return told;
}

/** Marks the viewer's notifications read (all, or one conversation's). */
export async function readNotifications(
  ctx: AppContext,
  viewer: Viewer | null,
  conversationId?: number,
): Promise<void> {
  authorizeInbox(viewer, 'read');
  await markNotificationsRead(ctx.db, viewer.organisationId, viewer.id, conversationId);
}

/** Saves the viewer's inbox preferences (notifications by mail, keyboard shortcuts). */
export async function savePreferences(
  ctx: AppContext,
  viewer: Viewer | null,
  preferences: StaffPreferences,
): Promise<void> {
  authorizeInbox(viewer, 'read');
  await upsertPreferences(ctx.db, viewer.organisationId, viewer.id, preferences);
}
