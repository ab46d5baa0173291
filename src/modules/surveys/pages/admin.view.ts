import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage } from '../../../platform/web/layout.ts';
import type { Question, Survey, SurveyValues } from '../surveys.repository.ts';
import { CHOICE_KINDS, QUESTION_KINDS } from '../surveys.schema.ts';
import type { QuestionInput } from '../survey-admin.use-cases.ts';
import { plain, stylesheet, translated } from './shared.ts';

export interface SurveyFormValues extends Partial<Omit<SurveyValues, 'opensAt' | 'closesAt'>> {
  opensOn?: string;
  closesOn?: string;
}

function checkbox(name: string, label: string, checked: boolean | undefined): Html {
  return html`<div class="field field--checkbox"><input type="checkbox" id="${name}" name="${name}" value="yes"${checked ? raw(' checked') : ''}> <label for="${name}">${label}</label></div>`;
}

function select(
  name: string,
  label: string,
  options: Array<{ value: string; label: string }>,
  current: string,
  error?: string,
): Html {
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${label}</label>
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<select id="${name}" name="${name}"${error ? raw(` aria-describedby="${name}-error" aria-invalid="true"`) : ''}>${options.map(
    (o) => html`<option value="${o.value}"${o.value === current ? raw(' selected') : ''}>${o.label}</option>`,
  )}</select></div>`;
}

/** The settings of a survey (new or existing). */
export function settingsForm(
  request: FastifyRequest,
  action: string,
  values: SurveyFormValues,
  errors: Record<string, string>,
  processes: Array<{ id: number; title: Translated }>,
  anonymityLocked: boolean,
): Html {
  const { t } = request;
  return html`<form method="post" action="${action}">${csrfField(request)}
${translatedInputs(request, 'title', 'surveys.admin.surveyTitle', values.title ?? {}, errors)}
${translatedInputs(request, 'description', 'surveys.admin.description', values.description ?? {}, errors, true)}
${select(
  'processId',
  t('surveys.admin.process'),
  [
    { value: '', label: t('surveys.admin.noProcess') },
    ...processes.map((p) => ({ value: String(p.id), label: plain(request, p.title) })),
  ],
  values.processId ? String(values.processId) : '',
  errors.processId,
)}
${select(
  'eligibilityLevel',
  t('surveys.admin.eligibility'),
  [
    { value: 'email', label: t('surveys.admin.level.email') },
    { value: 'verified', label: t('surveys.admin.level.verified') },
  ],
  values.eligibilityLevel ?? 'email',
)}
${field({ name: 'opensOn', label: t('surveys.admin.opensOn'), type: 'date', value: values.opensOn ?? '', ...(errors.opensOn ? { error: errors.opensOn } : {}) })}
${field({ name: 'closesOn', label: t('surveys.admin.closesOn'), type: 'date', value: values.closesOn ?? '', ...(errors.closesOn ? { error: errors.closesOn } : {}) })}
${anonymityLocked ? html`<p>${t(values.anonymous ? 'surveys.page.anonymous' : 'surveys.page.named')} ${t('surveys.admin.anonymityLocked')}</p><input type="hidden" name="anonymous" value="${values.anonymous ? 'yes' : ''}">` : checkbox('anonymous', t('surveys.admin.anonymous'), values.anonymous ?? true)}
${checkbox('resultsPublic', t('surveys.admin.resultsPublic'), values.resultsPublic)}
${checkbox('published', t('surveys.admin.published'), values.published)}
<p><button type="submit">${t('surveys.admin.save')}</button></p></form>`;
}

export function adminListView(
  request: FastifyRequest,
  reply: FastifyReply,
  surveys: Survey[],
  form: Html,
  errors: Record<string, string>,
) {
  const { t } = request;
  return renderPage(request, reply, {
    status: reply.statusCode,
    title: t('surveys.admin.title'),
    noIndex: true,
    main: html`<h1>${t('surveys.admin.title')}</h1>
${surveys.length === 0 ? html`<p>${t('surveys.list.none')}</p>` : html`<ul>${surveys.map((s) => html`<li><a href="/admin/surveys/${s.id}">${translated(request, s.title)}</a>${s.published ? '' : html` (${t('surveys.list.draft')})`}</li>`)}</ul>`}
<h2>${t('surveys.admin.new')}</h2>${errorSummary(request, errors)}${form}`,
  });
}

/** The fields of a question (new or existing); the condition lists options of earlier choice questions. */
export function questionForm(
  request: FastifyRequest,
  action: string,
  values: Partial<QuestionInput>,
  errors: Record<string, string>,
  earlier: Question[],
): Html {
  const { t } = request;
  const conditions = earlier
    .filter((q) => q.kind === 'single' || q.kind === 'multiple')
    .flatMap((q) =>
      q.options.map((o) => ({
        value: `${q.id}:${o.id}`,
        label: `${plain(request, q.title)} — ${plain(request, o.label)}`,
      })),
    );
  const current = values.conditionQuestionId ? `${values.conditionQuestionId}:${values.conditionChoiceId}` : '';
  const num = (name: string, label: MessageKey, value: number | null | undefined) =>
    field({
      name,
      label: t(label),
      value: value === null || value === undefined || Number.isNaN(value) ? '' : String(value),
      ...(errors[name] ? { error: errors[name] } : {}),
    });
  return html`<form method="post" action="${action}">${csrfField(request)}
${translatedInputs(request, 'question', 'surveys.admin.question', values.title ?? {}, errors)}
${translatedInputs(request, 'hint', 'surveys.admin.questionHint', values.description ?? {}, errors)}
${select(
  'kind',
  t('surveys.admin.kind'),
  QUESTION_KINDS.map((k) => ({ value: k, label: t(`surveys.kind.${k}`) })),
  values.kind ?? 'single',
  errors.kind,
)}
${checkbox('required', t('surveys.admin.required'), values.required)}
<fieldset><legend>${t('surveys.admin.limits')}</legend>
${num('minChoices', 'surveys.admin.minChoices', values.minChoices)}${num('maxChoices', 'surveys.admin.maxChoices', values.maxChoices)}
${num('minValue', 'surveys.admin.minValue', values.minValue)}${num('maxValue', 'surveys.admin.maxValue', values.maxValue)}</fieldset>
${select('condition', t('surveys.admin.condition'), [{ value: '', label: t('surveys.admin.always') }, ...conditions], current, errors.condition)}
<p><button type="submit">${t('surveys.admin.save')}</button></p></form>`;
}

export function adminSurveyView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    survey: Survey;
    questions: Question[];
    responses: number;
    settings: Html;
    newQuestion: Html;
    errors: Record<string, string>;
  },
) {
  const { t } = request;
  const { survey, questions, responses } = data;
  const locked = responses > 0;
  const post = (action: string, name: string, value: string, label: string) =>
    html`<form method="post" action="${action}" class="inline">${csrfField(request)}<input type="hidden" name="${name}" value="${value}"><button type="submit">${label}</button></form>`;
  return renderPage(request, reply, {
    status: reply.statusCode,
    title: plain(request, survey.title),
    noIndex: true,
    main: html`${stylesheet()}<p><a href="/admin/surveys">${t('surveys.admin.title')}</a></p>
<h1>${translated(request, survey.title)}</h1>
<p>${t('surveys.results.responses', { count: responses })} · <a href="/surveys/${survey.id}">${t('surveys.admin.view')}</a> · <a href="/surveys/${survey.id}/results">${t('surveys.page.seeResults')}</a></p>
${errorSummary(request, data.errors)}
<h2>${t('surveys.admin.settings')}</h2>${data.settings}
<h2>${t('surveys.admin.questions')}</h2>
${locked ? html`<p class="notice">${t('surveys.error.SURVEY_LOCKED')}</p>` : ''}
<ol class="survey-builder">${questions.map(
      (
        q,
        index,
      ) => html`<li><strong>${translated(request, q.title)}</strong> <span class="tag">${t(`surveys.kind.${q.kind}`)}</span>
${CHOICE_KINDS.includes(q.kind) ? html` (${t('surveys.admin.choiceCount', { count: q.options.length })})` : ''}
${
  locked
    ? ''
    : html`<div class="actions"><a href="/admin/surveys/${survey.id}/questions/${q.id}">${t('surveys.admin.edit', { question: `${index + 1}` })}</a>
${index > 0 ? post(`/admin/surveys/${survey.id}/questions/${q.id}/move`, 'direction', 'up', t('surveys.admin.up', { question: `${index + 1}` })) : ''}
${index < questions.length - 1 ? post(`/admin/surveys/${survey.id}/questions/${q.id}/move`, 'direction', 'down', t('surveys.admin.down', { question: `${index + 1}` })) : ''}
${post(`/admin/surveys/${survey.id}/questions/${q.id}/delete`, 'confirm', 'yes', t('surveys.admin.remove', { question: `${index + 1}` }))}</div>`
}</li>`,
    )}</ol>
${locked ? '' : html`<h2>${t('surveys.admin.addQuestion')}</h2>${data.newQuestion}`}`,
  });
}

export function adminQuestionView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    survey: Survey;
    question: Question;
    form: Html;
    errors: Record<string, string>;
    choiceValues: Translated;
    choiceRole: 'option' | 'row';
    locked: boolean;
  },
) {
  const { t } = request;
  const { survey, question } = data;
  const base = `/admin/surveys/${survey.id}/questions/${question.id}`;
  const readOnly = (items: Question['options']) =>
    html`<ul>${items.map((c) => html`<li>${translated(request, c.label)}</li>`)}</ul>`;
  const list = (role: 'option' | 'row', items: Question['options']) =>
    html`<ul>${items.map(
      (c) =>
        html`<li>${translated(request, c.label)} <form method="post" action="${base}/choices/${c.id}/delete" class="inline">${csrfField(request)}<button type="submit">${t('surveys.admin.removeChoice', { choice: plain(request, c.label) })}</button></form>
<details${Object.keys(data.errors).some((name) => name.startsWith(`choice${c.id}_`)) ? raw(' open') : ''}><summary>${t('surveys.admin.renameChoice', { choice: plain(request, c.label) })}</summary>
<form method="post" action="${base}/choices/${c.id}">${csrfField(request)}
${translatedInputs(request, `choice${c.id}`, role === 'row' ? 'surveys.admin.row' : 'surveys.admin.option', c.label, data.errors)}
<p><button type="submit">${t('surveys.admin.save')}</button></p></form></details></li>`,
    )}</ul>
<form method="post" action="${base}/choices">${csrfField(request)}<input type="hidden" name="role" value="${role}">
${translatedInputs(request, role === 'row' ? 'rowLabel' : 'label', role === 'row' ? 'surveys.admin.row' : 'surveys.admin.option', role === data.choiceRole ? data.choiceValues : {}, data.errors)}
<p><button type="submit">${t(role === 'row' ? 'surveys.admin.addRow' : 'surveys.admin.addOption')}</button></p></form>`;
  return renderPage(request, reply, {
    status: reply.statusCode,
    title: plain(request, question.title),
    noIndex: true,
    main: html`<p><a href="/admin/surveys/${survey.id}">${translated(request, survey.title)}</a></p>
<h1>${translated(request, question.title)}</h1>${errorSummary(request, data.errors)}${data.locked ? html`<p class="notice">${t('surveys.error.SURVEY_LOCKED')}</p>` : data.form}
${CHOICE_KINDS.includes(question.kind) ? html`<h2>${t(question.kind === 'matrix' ? 'surveys.admin.columns' : 'surveys.admin.options')}</h2>${data.locked ? readOnly(question.options) : list('option', question.options)}` : ''}
${question.kind === 'matrix' ? html`<h2>${t('surveys.admin.rows')}</h2>${data.locked ? readOnly(question.rows) : list('row', question.rows)}` : ''}`,
  });
}
