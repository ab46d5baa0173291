import { httpUrl } from '../../../platform/validation.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import type { Language } from '../../../platform/i18n/languages.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate } from '../../../platform/web/layout.ts';
import { adapterFor } from '../channels/index.ts';
import type { Code } from '../listening/coding.ts';
import type { ConversationDetail, ThreadMessage } from '../conversations.repository.ts';
import type { AnswerTemplate } from '../templates.repository.ts';
import type { ArrivedMessage } from '../replies.repository.ts';
import { fillTemplate } from '../template-fill.ts';
import { SENTIMENTS, type ConversationStatus } from '../inbox.schema.ts';
import { messageCodesForm } from './codes.view.ts';
import { firstResponseNote, type Labels } from './list.view.ts';
import { channelLabel, firstLine, renderInboxPage, selectInput, textareaInput, type FieldError } from './shared.ts';

const ANSWER_MAX = 10_000;

/** What the page shows again after a refused form: the problems by field and the answer typed. */
export interface FormState {
  errors: Record<string, FieldError>;
  answer?: string;
  /** Messages that arrived since the page the answer was written on: the answer waits for a confirmation. */
  arrived?: ArrivedMessage[];
  templateId?: number | undefined;
  /** The note typed, shown again after a refusal. */
  note?: string;
}

/** What arrived since the staff member opened the conversation, and the question whether to send anyway. */
function collisionNote(request: FastifyRequest, arrived: ArrivedMessage[]): Html {
  const { t } = request;
  return html`<div class="inbox-collision" role="alert" data-collision="${arrived.length}">
  <h3>${t('inbox.collision.title')}</h3>
  <ul>${arrived.map(
    (m) =>
      html`<li data-arrived="${m.id}"><strong>${m.direction === 'in' ? t('inbox.collision.resident') : t('inbox.thread.answerBy', { name: m.sentByName ?? t('inbox.thread.city') })}</strong> · <time datetime="${m.sentAt.toISOString()}">${formatDate(request, m.sentAt, true)}</time><div class="inbox-body">${firstLine(m.body, 300)}</div></li>`,
  )}</ul>
  <p>${t('inbox.collision.question')}</p>
</div>`;
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
    return html`<li class="inbox-message inbox-message--out${message.automatic ? ' inbox-message--notice' : ''}" id="message-${message.id}">
  <p><strong>${message.automatic ? t('inbox.thread.notice') : t('inbox.thread.answerBy', { name: message.sentByName ?? t('inbox.thread.city') })}</strong> · ${when} · <span class="tag inbox-delivery inbox-delivery--${state}">${t(`inbox.delivery.${state}` as MessageKey)}</span></p>
  ${message.deliveryError ? html`<p class="field__error">${t('inbox.delivery.error', { error: message.deliveryError })}</p>` : ''}
  <div class="inbox-body">${message.body}</div>
</li>`;
  }
  const author = conversation.authorName ?? conversation.authorHandle ?? t('inbox.anonymous');
  const id = `m${message.id}`;
  return html`<li class="inbox-message inbox-message--in" id="message-${message.id}">
  ${message.reportId !== null ? html`<p class="inbox-filed" data-report="${message.reportId}"><a href="/staff/reports/${message.reportId}">${t('inbox.thread.filedReport', { id: message.reportId })}</a></p>` : ''}
  <p><strong>${t('inbox.thread.from', { name: author })}</strong> · ${when}${httpUrl(message.url) ? html` · <a href="${httpUrl(message.url)}" rel="noopener noreferrer">${t('inbox.thread.original')}</a>` : ''}</p>
  ${message.erased ? html`<p class="muted">${t('inbox.thread.erased')}</p>` : html`<div class="inbox-body"${message.language ? html` lang="${message.language}"` : ''}>${message.body}</div>`}
  <p class="muted">${labels.language(message.language)} · ${labels.sentiment(message.sentiment)}${message.sentimentByStaff ? ` (${t('inbox.thread.byStaff')})` : ''} · ${labels.topic(message.topic)}${message.topicByStaff ? ` (${t('inbox.thread.byStaff')})` : ''} · ${labels.district(message.districtId)}${message.place ? html` · ${message.place}` : ''}${message.lat !== null && message.lng !== null ? ` · ${message.lat.toFixed(5)}, ${message.lng.toFixed(5)}` : ''}</p>
  ${
    answer && !message.erased
      ? html`<details class="inbox-tools"><summary>${t('inbox.thread.tools')}</summary>
  <form method="post" action="/staff/inbox/${conversation.id}/messages/${message.id}/labels" class="inbox-relabel">
    ${csrfField(request)}
    ${selectInput({ name: 'sentiment', id: `${id}-sentiment`, label: t('inbox.filter.sentiment'), value: message.sentiment ?? '', choices: [{ value: '', label: '—' }, ...SENTIMENTS.map((s) => ({ value: s, label: labels.sentiment(s) }))] })}
    ${selectInput({ name: 'topic', id: `${id}-topic`, label: t('inbox.filter.topic'), value: message.topic ?? '', choices: [{ value: '', label: '—' }, ...labels.topics.map((topic) => ({ value: topic.key, label: topic.name }))] })}
    <button type="submit" class="button button--small button--secondary">${t('inbox.thread.relabel')}</button>
  </form>
  ${messageCodesForm(request, message.id, coding.codes, coding.applied.get(message.id) ?? [], `/staff/inbox/${conversation.id}#message-${message.id}`)}
  ${conversation.reportId === null ? html`<p><a href="/staff/inbox/${conversation.id}/report?message=${message.id}">${t('inbox.report.make')}</a></p>` : ''}
  ${conversation.proposalId === null ? html`<p><a href="/staff/inbox/${conversation.id}/proposal?message=${message.id}">${t('inbox.proposal.make')}</a></p>` : ''}
  </details>`
      : ''
  }
</li>`;
}

/** What a conversation's page shows besides the conversation itself. */
export interface ConversationPageData {
  conversation: ConversationDetail;
  thread: ThreadMessage[];
  labels: Labels & { topics: Array<{ key: string; name: string }> };
  goalHours: number;
  templates: AnswerTemplate[];
  departments: Array<{ id: number; name: Translated }>;
  people: Array<{ id: number; name: string; departmentIds: number[] }>;
  others: Array<{ id: number; subject: string | null; status: ConversationStatus; lastMessageAt: Date }>;
  /** The language the answer is written in. */
  language: Language;
  coding: { codes: Code[]; applied: Map<number, number[]> };
  /** The template asked for in the address, if any. */
  templateId: number | undefined;
  /** Whether the viewer may answer, assign and relabel. */
  answer: boolean;
  /** Blocks other modules add about the conversation (renderSubjectSections). */
  sections?: Html;
  /** The list shown beside the conversation on wide screens. */
  side?: Html;
  /** The team's internal notes and the form to write one. */
  notes?: Html;
  /** The viewer's unread notifications. */
  unread?: number;
}

/** A conversation: its facts, the thread with labels and codes, and the forms to answer, assign and close it. */
export function conversationView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: ConversationPageData,
  form: FormState = { errors: {} },
  status = 200,
): FastifyReply {
  const { t, organisation } = request;
  const {
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
    notes,
    unread,
  } = data;
  const name = (value: Record<string, string> | null) =>
    value ? localized(value, request.lang, organisation.defaultLanguage) : '';
  const template = templates.find((tpl) => tpl.id === (form.templateId ?? templateId));
  const seen = thread.reduce((last, m) => Math.max(last, m.id), 0);
  const arrived = form.arrived ?? [];
  const templateText = template
    ? fillTemplate(
        template.texts[language] ??
          template.texts[organisation.defaultLanguage] ??
          Object.values(template.texts)[0] ??
          '',
        {
          name: conversation.authorName ?? conversation.authorHandle ?? '',
          report_number: conversation.reportId === null ? '' : String(conversation.reportId),
          department: conversation.departmentName
            ? localized(conversation.departmentName, language, organisation.defaultLanguage)
            : '',
        },
      )
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
  // the latest exchange (from the resident's last message on) is shown above the answer box, the rest folded
  const lastIn = thread.findLastIndex((m) => m.direction === 'in');
  const split = Math.max(0, lastIn);
  const item = (message: ThreadMessage) => messageItem(request, conversation, message, labels, answer, coding);
  const assigned = [name(conversation.departmentName), conversation.assigneeName ?? ''].filter(Boolean).join(' · ');
  const answerBox = !answer
    ? ''
    : html`<section class="inbox-answer" aria-labelledby="answer-title" id="answer">
  <h2 id="answer-title" class="visually-hidden">${t('inbox.answer.title')}</h2>
  ${
    !canReply
      ? html`<p>${t('inbox.answer.cannot')}</p>`
      : html`${arrived.length ? collisionNote(request, arrived) : ''}
  <form method="post" action="/staff/inbox/${conversation.id}/answer" class="inbox-answer-form">
    ${csrfField(request)}
    <input type="hidden" name="seen" value="${seen}">
    ${template ? html`<input type="hidden" name="templateId" value="${template.id}">` : ''}
    ${textareaInput({ name: 'text', id: 'answer-text', label: t('inbox.answer.text'), hint: t('inbox.answer.hint', { channel: conversation.channelName }), value: form.answer ?? templateText, maxlength: ANSWER_MAX, rows: 5, required: true, lang: language, error: form.errors['answer-text'] })}
    <button type="submit" class="button">${arrived.length ? t('inbox.collision.sendAnyway') : t('inbox.answer.send')}</button>
  </form>
  ${
    templates.length
      ? html`<form method="get" action="/staff/inbox/${conversation.id}#answer" class="inbox-template-pick">
    <label for="template">${t('inbox.answer.template')}</label>
    <input id="template" name="template" list="template-names" autocomplete="off" value="${template?.name ?? ''}" aria-describedby="template-hint">
    <datalist id="template-names">${templates.map((tpl) => html`<option value="${tpl.name}"></option>`)}</datalist>
    <button type="submit" class="button button--small button--secondary">${t('inbox.answer.useTemplate')}</button>
    <span class="field__hint" id="template-hint">${t('inbox.answer.templateHint')}</span>
  </form>`
      : ''
  }`
  }
</section>`;
  const main = html`<div class="inbox-conversation">
<p class="inbox-back"><a href="/staff/inbox">← ${t('inbox.title')}</a></p>
<h1 class="inbox-conversation__title">${title || t('inbox.noText')}</h1>
<p class="inbox-conversation__facts">${channelLabel(conversation.channelKind, conversation.channelName)} · <span data-status="${conversation.status}">${labels.status(conversation.status)}</span> · ${t('inbox.col.assigned')}: ${assigned || '—'}</p>
${errorSummary(request, errors)}
${conversation.deliveryFailedAt ? html`<p class="field__error" data-delivery="failed">${t('inbox.deliveryFailed.note')}</p>` : ''}
${
  split > 0
    ? html`<details class="inbox-history"><summary>${t('inbox.thread.history', { n: split })}</summary><ol class="inbox-thread">${thread.slice(0, split).map(item)}</ol></details>`
    : ''
}
<h2 class="visually-hidden">${t('inbox.thread.title')}</h2>
<ol class="inbox-thread inbox-thread--latest">${thread.slice(split).map(item)}</ol>
${answerBox}
${
  answer
    ? html`<div class="inbox-actions">
  <form method="post" action="/staff/inbox/${conversation.id}/status">
    ${csrfField(request)}
    <input type="hidden" name="done" value="${conversation.status === 'done' ? '0' : '1'}">
    <button type="submit" class="button button--secondary">${conversation.status === 'done' ? t('inbox.status.reopen') : t('inbox.status.markDone')}</button>
  </form>
  <details class="inbox-assign"><summary>${t('inbox.assign.title')}</summary>
  <form method="post" action="/staff/inbox/${conversation.id}/assign">
    ${csrfField(request)}
    ${selectInput({ name: 'departmentId', label: t('inbox.filter.department'), value: String(conversation.departmentId ?? ''), choices: departmentChoices, error: form.errors.departmentId })}
    ${selectInput({ name: 'assigneeId', label: t('inbox.assign.person'), hint: t('inbox.assign.personHint'), value: String(conversation.assigneeId ?? ''), choices: personChoices, error: form.errors.assigneeId })}
    <button type="submit" class="button button--secondary">${t('inbox.assign.submit')}</button>
  </form></details>
</div>`
    : ''
}
${notes ?? ''}
<details class="inbox-about"><summary>${t('inbox.about.title')}</summary>
<dl class="report-facts">
  <dt>${t('inbox.col.channel')}</dt><dd>${channelLabel(conversation.channelKind, conversation.channelName)}</dd>
  <dt>${t('inbox.col.author')}</dt><dd>${conversation.authorName ?? t('inbox.anonymous')}${conversation.authorHandle ? html` (${conversation.authorHandle})` : ''}${conversation.authorEmail ? html` &lt;${conversation.authorEmail}&gt;` : ''}</dd>
  <dt>${t('inbox.filter.status')}</dt><dd>${labels.status(conversation.status)}</dd>
  <dt>${t('inbox.col.assigned')}</dt><dd>${assigned || '—'}</dd>
  <dt>${t('inbox.firstResponse.title')}</dt><dd>${firstResponseNote(request, conversation, goalHours, new Date())}</dd>
  ${conversation.reportId ? html`<dt>${t('inbox.report.linked')}</dt><dd><a href="/staff/reports/${conversation.reportId}">#${conversation.reportId}</a></dd>` : ''}
  ${conversation.proposalId ? html`<dt>${t('inbox.proposal.linked')}</dt><dd><a href="/proposals/${conversation.proposalId}">#${conversation.proposalId}</a></dd>` : ''}
</dl>
${sections ?? ''}
${
  others.length
    ? html`<h2>${t('inbox.author.others')}</h2><ul>${others.map((o) => html`<li><a href="/staff/inbox/${o.id}">${o.subject ?? `#${o.id}`}</a> <span class="muted">(${labels.status(o.status)}, ${formatDate(request, o.lastMessageAt)})</span></li>`)}</ul>`
    : ''
}
</details>
</div>`;
  const page = side ? html`<div class="inbox-split">${main}${side}</div>` : main;
  return renderInboxPage(request, reply, {
    title: title || t('inbox.noText'),
    main: page,
    status,
    ...(unread !== undefined ? { unread } : {}),
  });
}
