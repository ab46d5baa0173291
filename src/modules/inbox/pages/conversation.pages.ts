import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, setNotice } from '../../../platform/web/layout.ts';
import {
  answerConversation,
  assignConversation,
  conversationLanguage,
  relabelMessage,
  setConversationDone,
} from '../conversations.use-cases.ts';
import { adapterFor } from '../channels/index.ts';
import { mayDoInInbox } from '../inbox.policy.ts';
import { findCodes, findMessageCodes, type Code } from '../listening/coding.ts';
import { messageCodesForm } from './codes.pages.ts';
import { findActiveDepartments, findAssignablePeople } from '../assignment.repository.ts';
import {
  findAuthorConversations,
  findConversation,
  findFirstResponseGoal,
  findThread,
  type ConversationDetail,
  type ThreadMessage,
} from '../conversations.repository.ts';
import { findTemplates } from '../templates.repository.ts';
import { SENTIMENTS } from '../inbox.schema.ts';
import { firstResponseNote, labelsFor, type Labels } from './inbox.pages.ts';
import {
  channelLabel,
  codedError,
  firstLine,
  idFrom,
  inboxViewer,
  paramId,
  renderInboxPage,
  selectInput,
  textareaInput,
  type FieldError,
} from './shared.ts';
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { AnswerForm, AssignForm, ConversationStatusForm, MessageQuery, RelabelForm } from '../inbox.forms.ts';

const ANSWER_MAX = 10_000;

interface FormState {
  errors: Record<string, FieldError>;
  answer?: string;
}

async function load(ctx: AppContext, request: FastifyRequest): Promise<ConversationDetail> {
  inboxViewer(request, 'read');
  const conversation = await findConversation(ctx.db, request.organisation.id, paramId(request, 'conversationId'));
  if (!conversation) throw new AppError('INBOX_CONVERSATION_NOT_FOUND');
  return conversation;
}

function messageItem(
  request: FastifyRequest,
  conversation: ConversationDetail,
  message: ThreadMessage,
  labels: Labels & { topics: Array<{ key: string; name: string }> },
  answer: boolean,
  coding: { codes: Code[]; applied: Map<number, number[]> },
): Html {
  const { t } = request;
  const when = html`<time datetime="${message.sentAt.toISOString()}">${formatDate(request, message.sentAt, true)}</time>`;
  if (message.direction === 'out') {
    const state = message.delivery ?? 'queued';
    return html`<li class="inbox-message inbox-message--out" id="message-${message.id}">
  <p><strong>${t('inbox.thread.answerBy', { name: message.sentByName ?? t('inbox.thread.city') })}</strong> · ${when} · <span class="tag inbox-delivery inbox-delivery--${state}">${t(`inbox.delivery.${state}` as MessageKey)}</span></p>
  ${message.deliveryError ? html`<p class="field__error">${t('inbox.delivery.error', { error: message.deliveryError })}</p>` : ''}
  <div class="inbox-body">${message.body}</div>
</li>`;
  }
  const author = conversation.authorName ?? conversation.authorHandle ?? t('inbox.anonymous');
  const id = `m${message.id}`;
  return html`<li class="inbox-message inbox-message--in" id="message-${message.id}">
  <p><strong>${t('inbox.thread.from', { name: author })}</strong> · ${when}${message.url ? html` · <a href="${message.url}" rel="noopener noreferrer">${t('inbox.thread.original')}</a>` : ''}</p>
  ${message.erased ? html`<p class="muted">${t('inbox.thread.erased')}</p>` : html`<div class="inbox-body"${message.language ? html` lang="${message.language}"` : ''}>${message.body}</div>`}
  <p class="muted">${labels.language(message.language)} · ${labels.sentiment(message.sentiment)}${message.sentimentByStaff ? ` (${t('inbox.thread.byStaff')})` : ''} · ${labels.topic(message.topic)}${message.topicByStaff ? ` (${t('inbox.thread.byStaff')})` : ''} · ${labels.district(message.districtId)}${message.place ? html` · ${message.place}` : ''}${message.lat !== null && message.lng !== null ? ` · ${message.lat.toFixed(5)}, ${message.lng.toFixed(5)}` : ''}</p>
  ${
    answer && !message.erased
      ? html`<form method="post" action="/staff/inbox/${conversation.id}/messages/${message.id}/labels" class="inbox-relabel">
    ${csrfField(request)}
    ${selectInput({ name: 'sentiment', id: `${id}-sentiment`, label: t('inbox.filter.sentiment'), value: message.sentiment ?? '', choices: [{ value: '', label: '—' }, ...SENTIMENTS.map((s) => ({ value: s, label: labels.sentiment(s) }))] })}
    ${selectInput({ name: 'topic', id: `${id}-topic`, label: t('inbox.filter.topic'), value: message.topic ?? '', choices: [{ value: '', label: '—' }, ...labels.topics.map((topic) => ({ value: topic.key, label: topic.name }))] })}
    <button type="submit" class="button button--small button--secondary">${t('inbox.thread.relabel')}</button>
  </form>
  ${messageCodesForm(request, message.id, coding.codes, coding.applied.get(message.id) ?? [], `/staff/inbox/${conversation.id}#message-${message.id}`)}
  ${conversation.reportId === null ? html`<p><a href="/staff/inbox/${conversation.id}/report?message=${message.id}">${t('inbox.report.make')}</a></p>` : ''}
  ${conversation.proposalId === null ? html`<p><a href="/staff/inbox/${conversation.id}/proposal?message=${message.id}">${t('inbox.proposal.make')}</a></p>` : ''}`
      : ''
  }
</li>`;
}

async function renderConversation(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conversation: ConversationDetail,
  form: FormState = { errors: {} },
  status = 200,
): Promise<FastifyReply> {
  const { t, organisation } = request;
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
  const coding = {
    codes: await findCodes(ctx.db, organisation.id),
    applied: await findMessageCodes(
      ctx.db,
      organisation.id,
      thread.filter((m) => m.direction === 'in').map((m) => m.id),
    ),
  };
  const name = (value: Record<string, string> | null) =>
    value ? localized(value, request.lang, organisation.defaultLanguage) : '';
  const templateId = idFrom(validFields(readForm(MessageQuery, request.query)).template ?? '');
  const template = templates.find((tpl) => tpl.id === templateId);
  const templateText = template
    ? (template.texts[language] ??
      template.texts[organisation.defaultLanguage] ??
      Object.values(template.texts)[0] ??
      '')
    : '';
  const canReply = adapterFor(conversation.channelKind)?.reply !== undefined;
  const firstIncoming = thread.find((m) => m.direction === 'in');
  const title = conversation.subject ?? firstLine(firstIncoming?.body ?? '', 80);
  const errors = Object.fromEntries(Object.entries(form.errors).map(([field, error]) => [field, error.message]));
  const departmentChoices = [
    { value: '', label: t('inbox.filter.nobody') },
    ...departments.map((d) => ({ value: String(d.id), label: name(d.name) })),
  ];
  const personChoices = [
    { value: '', label: t('inbox.filter.nobody') },
    ...people.flatMap((p) => {
      const groups = p.departmentIds.map((id) => departments.find((d) => d.id === id)).filter((d) => d !== undefined);
      return groups.length
        ? groups.map((d) => ({ value: String(p.id), label: p.name, group: name(d.name) }))
        : [{ value: String(p.id), label: p.name, group: t('inbox.assign.otherStaff') }];
    }),
  ];
  const main = html`<p><a href="/staff/inbox">← ${t('inbox.title')}</a></p>
<h1>${title || t('inbox.noText')}</h1>
${errorSummary(request, errors)}
<dl class="report-facts">
  <dt>${t('inbox.col.channel')}</dt><dd>${channelLabel(conversation.channelKind, conversation.channelName)}</dd>
  <dt>${t('inbox.col.author')}</dt><dd>${conversation.authorName ?? t('inbox.anonymous')}${conversation.authorHandle ? html` (${conversation.authorHandle})` : ''}${conversation.authorEmail ? html` &lt;${conversation.authorEmail}&gt;` : ''}</dd>
  <dt>${t('inbox.filter.status')}</dt><dd data-status="${conversation.status}">${labels.status(conversation.status)}</dd>
  <dt>${t('inbox.col.assigned')}</dt><dd>${[name(conversation.departmentName), conversation.assigneeName ?? ''].filter(Boolean).join(' · ') || '—'}</dd>
  <dt>${t('inbox.firstResponse.title')}</dt><dd>${firstResponseNote(request, conversation, goalHours, new Date())}</dd>
  ${conversation.reportId ? html`<dt>${t('inbox.report.linked')}</dt><dd><a href="/staff/reports/${conversation.reportId}">#${conversation.reportId}</a></dd>` : ''}
  ${conversation.proposalId ? html`<dt>${t('inbox.proposal.linked')}</dt><dd><a href="/proposals/${conversation.proposalId}">#${conversation.proposalId}</a></dd>` : ''}
</dl>
<h2>${t('inbox.thread.title')}</h2>
<ol class="inbox-thread">${thread.map((message) => messageItem(request, conversation, message, labels, answer, coding))}</ol>
${
  answer
    ? html`<section class="staff-panel" aria-labelledby="answer-title" id="answer">
  <h2 id="answer-title">${t('inbox.answer.title')}</h2>
  ${
    !canReply
      ? html`<p>${t('inbox.answer.cannot')}</p>`
      : html`${
          templates.length
            ? html`<form method="get" action="/staff/inbox/${conversation.id}#answer" class="inbox-template-pick">
    ${selectInput({ name: 'template', label: t('inbox.answer.template'), value: template ? String(template.id) : '', choices: [{ value: '', label: '—' }, ...templates.map((tpl) => ({ value: String(tpl.id), label: tpl.name }))] })}
    <button type="submit" class="button button--small button--secondary">${t('inbox.answer.useTemplate')}</button>
  </form>`
            : ''
        }
  <form method="post" action="/staff/inbox/${conversation.id}/answer">
    ${csrfField(request)}
    ${template ? html`<input type="hidden" name="templateId" value="${template.id}">` : ''}
    ${textareaInput({ name: 'text', id: 'answer-text', label: t('inbox.answer.text'), hint: t('inbox.answer.hint', { channel: conversation.channelName }), value: form.answer ?? templateText, maxlength: ANSWER_MAX, rows: 8, required: true, lang: language, error: form.errors['answer-text'] })}
    <button type="submit" class="button">${t('inbox.answer.send')}</button>
  </form>`
  }
</section>
<section class="staff-panel" aria-labelledby="assign-title">
  <h2 id="assign-title">${t('inbox.assign.title')}</h2>
  <form method="post" action="/staff/inbox/${conversation.id}/assign">
    ${csrfField(request)}
    ${selectInput({ name: 'departmentId', label: t('inbox.filter.department'), value: String(conversation.departmentId ?? ''), choices: departmentChoices, error: form.errors.departmentId })}
    ${selectInput({ name: 'assigneeId', label: t('inbox.assign.person'), hint: t('inbox.assign.personHint'), value: String(conversation.assigneeId ?? ''), choices: personChoices, error: form.errors.assigneeId })}
    <button type="submit" class="button button--secondary">${t('inbox.assign.submit')}</button>
  </form>
  <form method="post" action="/staff/inbox/${conversation.id}/status">
    ${csrfField(request)}
    <input type="hidden" name="done" value="${conversation.status === 'done' ? '0' : '1'}">
    <button type="submit" class="button${conversation.status === 'done' ? ' button--secondary' : ''}">${conversation.status === 'done' ? t('inbox.status.reopen') : t('inbox.status.markDone')}</button>
  </form>
</section>`
    : ''
}
${
  others.length
    ? html`<h2>${t('inbox.author.others')}</h2><ul>${others.map((o) => html`<li><a href="/staff/inbox/${o.id}">${o.subject ?? `#${o.id}`}</a> <span class="muted">(${labels.status(o.status)}, ${formatDate(request, o.lastMessageAt)})</span></li>`)}</ul>`
    : ''
}`;
  return renderInboxPage(request, reply, { title: title || t('inbox.noText'), main, status });
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
  return renderConversation(
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
    renderConversation(ctx, request, reply, await load(ctx, request)),
  );

  app.post('/staff/inbox/:conversationId/answer', { schema: { hide: true } }, async (request, reply) => {
    const conversation = await load(ctx, request);
    const form = readForm(AnswerForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const text = form.value.text.replace(/\r\n/g, '\n');
    try {
      await answerConversation(ctx, request.viewer, conversation.id, text, form.value.templateId ?? null);
    } catch (error) {
      return refuse(ctx, request, reply, conversation, error, 'answer-text', text);
    }
    setNotice(reply, 'inbox.answer.queued');
    return reply.redirect(`/staff/inbox/${conversation.id}`, 303);
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
