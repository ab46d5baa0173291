import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import {
  answerConversation,
  assignConversation,
  conversationLanguage,
  relabelMessage,
  setConversationDone,
} from '../conversations.use-cases.ts';
import { mayDoInInbox } from '../inbox.policy.ts';
import { findCodes, findMessageCodes } from '../listening/coding.ts';
import { findActiveDepartments, findAssignablePeople } from '../assignment.repository.ts';
import {
  findAuthorConversations,
  findConversation,
  findConversations,
  findFirstResponseGoal,
  findThread,
  type ConversationDetail,
} from '../conversations.repository.ts';
import { findTemplates } from '../templates.repository.ts';
import { labelsFor } from './inbox.pages.ts';
import { codedError, inboxViewer, paramId } from './shared.ts';
import { sideList } from './list.view.ts';
import { templateByName } from '../template-fill.ts';

/** Conversations listed beside an open one on wide screens. */
const SIDE_ROWS = 40;
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { AnswerForm, AssignForm, ConversationStatusForm, MessageQuery, NoteForm, RelabelForm } from '../inbox.forms.ts';
import { addNote, handlesOf, readNotifications } from '../team.use-cases.ts';
import { countUnread, findNotes, findStaffMembers } from '../team.repository.ts';
import { notesSection } from './team.view.ts';
import { conversationView, type FormState } from './conversation.view.ts';
import { renderSubjectSections } from '../../../platform/web/subject-sections.ts';

async function load(ctx: AppContext, request: FastifyRequest): Promise<ConversationDetail> {
  inboxViewer(request, 'read');
  const conversation = await findConversation(ctx.db, request.organisation.id, paramId(request, 'conversationId'));
  if (!conversation) throw new AppError('INBOX_CONVERSATION_NOT_FOUND');
  return conversation;
}

/** Loads what a conversation's page shows and renders it (again with a form's problems). */
async function conversationPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conversation: ConversationDetail,
  form: FormState = { errors: {} },
  status = 200,
): Promise<FastifyReply> {
  const { organisation } = request;
  const viewer = inboxViewer(request, 'read');
  const answer = mayDoInInbox(viewer, 'answer');
  const [thread, labels, goalHours, templates, departments, people, others, language] = await Promise.all([
    findThread(ctx.db, organisation.id, conversation.id),
    labelsFor(ctx, request),
    findFirstResponseGoal(ctx.db, organisation.id),
    findTemplates(ctx.db, organisation.id),
    findActiveDepartments(ctx.db, organisation.id),
    findAssignablePeople(ctx.db, organisation.id),
    conversation.authorId === null
      ? Promise.resolve([])
      : findAuthorConversations(ctx.db, organisation.id, conversation.authorId, conversation.id),
    conversationLanguage(ctx.db, organisation, conversation.id),
  ]);
  // what other modules show about the conversation (publishing: the city's post it answers)
  const sections = await renderSubjectSections(request, ctx, { type: 'inbox_conversation', id: conversation.id });
  const coding = {
    codes: await findCodes(ctx.db, organisation.id),
    applied: await findMessageCodes(
      ctx.db,
      organisation.id,
      thread.filter((m) => m.direction === 'in').map((m) => m.id),
    ),
  };
  const templateId = templateByName(templates, validFields(readForm(MessageQuery, request.query)).template ?? '')?.id;
  const viewerId = viewer.id;
  await readNotifications(ctx, viewer, conversation.id);
  const [notes, staff, unread] = await Promise.all([
    findNotes(ctx.db, conversation.id),
    answer ? findStaffMembers(ctx.db, organisation.id) : Promise.resolve([]),
    countUnread(ctx.db, organisation.id, viewerId),
  ]);
  const notesHtml = notesSection(
    request,
    conversation.id,
    notes,
    staff.map((person) => `@${handlesOf(person).at(-1) ?? ''}`),
    { write: answer, error: form.errors['note-text'], ...(form.note !== undefined ? { text: form.note } : {}) },
  );
  const side = sideList(
    request,
    await findConversations(ctx.db, organisation.id, {}, undefined, SIDE_ROWS),
    labels,
    conversation.id,
  );
  return conversationView(
    request,
    reply,
    {
      conversation,
      thread,
      labels,
      goalHours,
      templates,
      departments,
      people,
      others,
      language,
      coding,
      templateId,
      answer,
      sections,
      side,
      notes: notesHtml,
      unread,
    },
    form,
    status,
  );
}

/** Shows the conversation again with a form's error (400), for refusals a form can fix. */
async function refuse(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conversation: ConversationDetail,
  error: unknown,
  field: string,
  answer?: string,
): Promise<FastifyReply> {
  if (!(error instanceof AppError) || error.status !== 400) throw error;
  const message = request.t(`inbox.error.${error.code}` as MessageKey);
  return conversationPage(
    ctx,
    request,
    reply,
    conversation,
    { errors: { [field]: codedError(field, error.code, message) }, ...(answer !== undefined ? { answer } : {}) },
    400,
  );
}

/** A conversation's page and its forms: answer (with templates), assign, done/reopen, relabel. */
export function registerConversationPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/:conversationId', { schema: { hide: true } }, async (request, reply) =>
    conversationPage(ctx, request, reply, await load(ctx, request)),
  );

  app.post('/staff/inbox/:conversationId/answer', { schema: { hide: true } }, async (request, reply) => {
    const conversation = await load(ctx, request);
    const form = readForm(AnswerForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const text = form.value.text.replace(/\r\n/g, '\n');
    let outcome;
    try {
      outcome = await answerConversation(
        ctx,
        request.viewer,
        conversation.id,
        text,
        form.value.templateId ?? null,
        form.value.seen ?? null,
      );
    } catch (error) {
      return refuse(ctx, request, reply, conversation, error, 'answer-text', text);
    }
    if (!outcome.ok)
      return conversationPage(
        ctx,
        request,
        reply,
        conversation,
        { errors: {}, answer: text, arrived: outcome.arrived, templateId: form.value.templateId },
        409,
      );
    setNotice(reply, 'inbox.answer.queued');
    return reply.redirect(`/staff/inbox/${conversation.id}`, 303);
  });

  app.post('/staff/inbox/:conversationId/notes', { schema: { hide: true } }, async (request, reply) => {
    const conversation = await load(ctx, request);
    const form = readForm(NoteForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const text = form.value.note.replace(/\r\n/g, '\n');
    try {
      await addNote(ctx, request.viewer, conversation.id, text);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      const message = request.t(`inbox.error.${error.code}` as MessageKey);
      return conversationPage(
        ctx,
        request,
        reply,
        conversation,
        { errors: { 'note-text': codedError('note-text', error.code, message) }, note: text },
        400,
      );
    }
    setNotice(reply, 'inbox.notes.saved');
    return reply.redirect(`/staff/inbox/${conversation.id}#notes`, 303);
  });

  app.post('/staff/inbox/:conversationId/assign', { schema: { hide: true } }, async (request, reply) => {
    const conversation = await load(ctx, request);
    const form = readForm(AssignForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const input = { departmentId: form.value.departmentId ?? null, assigneeId: form.value.assigneeId ?? null };
    try {
      await assignConversation(ctx, request.viewer, conversation.id, input);
    } catch (error) {
      return refuse(
        ctx,
        request,
        reply,
        conversation,
        error,
        (error as AppError).code === 'INBOX_DEPARTMENT_NOT_FOUND' ? 'departmentId' : 'assigneeId',
      );
    }
    setNotice(reply, 'inbox.assign.done');
    return reply.redirect(`/staff/inbox/${conversation.id}`, 303);
  });

  app.post('/staff/inbox/:conversationId/status', { schema: { hide: true } }, async (request, reply) => {
    const conversation = await load(ctx, request);
    const form = readForm(ConversationStatusForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const done = form.value.done === '1';
    await setConversationDone(ctx, request.viewer, conversation.id, done);
    setNotice(reply, done ? 'inbox.status.doneNotice' : 'inbox.status.reopenNotice');
    return reply.redirect(`/staff/inbox/${conversation.id}`, 303);
  });

  app.post(
    '/staff/inbox/:conversationId/messages/:messageId/labels',
    { schema: { hide: true } },
    async (request, reply) => {
      const conversation = await load(ctx, request);
      const form = readForm(RelabelForm, request.body);
      if (!form.ok) throw invalidForm(form.errors);
      await relabelMessage(ctx, request.viewer, conversation.id, paramId(request, 'messageId'), form.value);
      setNotice(reply, 'inbox.thread.relabelled');
      return reply.redirect(`/staff/inbox/${conversation.id}#message-${paramId(request, 'messageId')}`, 303);
    },
  );
}
