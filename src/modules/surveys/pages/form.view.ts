import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage } from '../../../platform/web/layout.ts';
import { fieldName, TEXT_LIMIT, type RawAnswers } from '../answers.ts';
import type { Question, Survey } from '../surveys.repository.ts';
import { plain, stylesheet, surveysAsset, translated } from './shared.ts';

export interface SurveyPageData {
  survey: Survey;
  questions: Question[];
  /** Why the viewer may not answer (an error code), or nothing when the form is shown. */
  blocker: string | undefined;
  values: RawAnswers;
  errors: Record<string, string>;
  staff: boolean;
}

function sent(values: RawAnswers, name: string): string[] {
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function describedBy(ids: Array<string | false>): Html {
  const list = ids.filter(Boolean).join(' ');
  return list ? html` aria-describedby="${list}"` : html``;
}

/** One question's inputs, labelled; an error and a condition note are tied to them for screen readers. */
function questionField(
  request: FastifyRequest,
  question: Question,
  questions: Question[],
  values: RawAnswers,
  error: string | undefined,
  number: number,
): Html {
  const { t } = request;
  const name = fieldName(question.id);
  const required = question.required ? html` <span class="required">(${t('surveys.form.required')})</span>` : '';
  const title = html`${number}. ${translated(request, question.title)}${required}`;
  const description = Object.values(question.description).some(Boolean)
    ? html`<p class="field__hint" id="${name}-hint">${translated(request, question.description)}</p>`
    : '';
  const condition = questions.find((q) => q.id === question.conditionQuestionId);
  const option = condition?.options.find((o) => o.id === question.conditionChoiceId);
  const conditionNote =
    condition && option
      ? html`<p class="survey-condition" id="${name}-condition">${t('surveys.form.condition', {
          answer: plain(request, option.label),
          question: plain(request, condition.title),
        })}</p>`
      : '';
  const errorText = error ? html`<p class="field__error" id="${name}-error">${error}</p>` : '';
  const described = describedBy([
    description !== '' && `${name}-hint`,
    conditionNote !== '' && `${name}-condition`,
    error !== undefined && `${name}-error`,
  ]);
  const chosen = sent(values, name);
  const attributes =
    question.conditionQuestionId !== null && question.conditionChoiceId !== null
      ? html` data-condition-question="${question.conditionQuestionId}" data-condition-choice="${question.conditionChoiceId}"`
      : html``;
  const wrap = (inner: Html) =>
    html`<div class="survey-question${error ? ' field--error' : ''}" id="question-${question.id}"${attributes}>${inner}</div>`;
  const fieldset = (inner: Html, hint: Html | string = '') =>
    wrap(
      html`<fieldset id="${name}" tabindex="-1"${described}><legend>${title}</legend>${description}${conditionNote}${hint}${errorText}${inner}</fieldset>`,
    );

  switch (question.kind) {
    case 'single':
      return fieldset(
        html`${question.options.map(
          (o) =>
            html`<div class="choice"><input type="radio" id="${name}-${o.id}" name="${name}" value="${o.id}"${chosen.includes(String(o.id)) ? raw(' checked') : ''}> <label for="${name}-${o.id}">${translated(request, o.label)}</label></div>`,
        )}`,
      );
    case 'multiple': {
      const limits =
        question.minChoices !== null || question.maxChoices !== null
          ? html`<p class="field__hint">${t('surveys.form.choose', {
              min: String(question.minChoices ?? 0),
              max: String(question.maxChoices ?? question.options.length),
            })}</p>`
          : '';
      return fieldset(
        html`${question.options.map(
          (o) =>
            html`<div class="choice"><input type="checkbox" id="${name}-${o.id}" name="${name}" value="${o.id}"${chosen.includes(String(o.id)) ? raw(' checked') : ''}> <label for="${name}-${o.id}">${translated(request, o.label)}</label></div>`,
        )}`,
        limits,
      );
    }
    case 'ranking':
      return fieldset(
        html`${question.options.map((o) => {
          const part = fieldName(question.id, o.id);
          const current = sent(values, part)[0] ?? '';
          return html`<div class="rank"><label for="${part}">${translated(request, o.label)}</label>
<select id="${part}" name="${part}"><option value="">${t('surveys.form.notRanked')}</option>${question.options.map(
            (_, index) =>
              html`<option value="${index + 1}"${current === String(index + 1) ? raw(' selected') : ''}>${index + 1}</option>`,
          )}</select></div>`;
        })}`,
        html`<p class="field__hint">${t('surveys.form.rankHint')}</p>`,
      );
    case 'matrix':
      return fieldset(
        html`${question.rows.map((row) => {
          const part = fieldName(question.id, row.id);
          const current = sent(values, part)[0] ?? '';
          return html`<fieldset class="matrix-row"><legend>${translated(request, row.label)}</legend>${question.options.map(
            (o) =>
              html`<span class="choice"><input type="radio" id="${part}-${o.id}" name="${part}" value="${o.id}"${current === String(o.id) ? raw(' checked') : ''}> <label for="${part}-${o.id}">${translated(request, o.label)}</label></span>`,
          )}</fieldset>`;
        })}`,
      );
    case 'short_text':
    case 'long_text':
    case 'number':
    case 'date': {
      const value = chosen[0] ?? '';
      const control =
        question.kind === 'long_text'
          ? html`<textarea id="${name}" name="${name}" rows="5" maxlength="${TEXT_LIMIT.long_text}"${described}${error ? raw(' aria-invalid="true"') : ''}>${value}</textarea>`
          : question.kind === 'number'
            ? html`<input type="number" step="any" inputmode="decimal" id="${name}" name="${name}" value="${value}"${question.minValue !== null ? html` min="${question.minValue}"` : ''}${question.maxValue !== null ? html` max="${question.maxValue}"` : ''}${described}${error ? raw(' aria-invalid="true"') : ''}>`
            : question.kind === 'date'
              ? html`<input type="date" id="${name}" name="${name}" value="${value}"${described}${error ? raw(' aria-invalid="true"') : ''}>`
              : html`<input type="text" id="${name}" name="${name}" value="${value}" maxlength="${TEXT_LIMIT.short_text}"${described}${error ? raw(' aria-invalid="true"') : ''}>`;
      const range =
        question.kind === 'number' && (question.minValue !== null || question.maxValue !== null)
          ? html`<p class="field__hint">${t('surveys.form.between', {
              min: question.minValue === null ? '…' : String(question.minValue),
              max: question.maxValue === null ? '…' : String(question.maxValue),
            })}</p>`
          : '';
      return wrap(
        html`<div class="field"><label for="${name}">${title}</label>${description}${conditionNote}${range}${errorText}${control}</div>`,
      );
    }
  }
}

/** A survey's page: its description, dates, and the form — or why the viewer cannot answer. */
export function surveyView(request: FastifyRequest, reply: FastifyReply, data: SurveyPageData, status = 200) {
  const { t } = request;
  const { survey, questions, blocker, values, errors } = data;
  const dates = html`<p class="muted">${survey.opensAt ? t('surveys.page.opens', { date: formatDate(request, survey.opensAt, true) }) : ''}
${survey.closesAt ? t('surveys.page.closes', { date: formatDate(request, survey.closesAt, true) }) : ''}</p>`;
  const privacy = html`<p>${t(survey.anonymous ? 'surveys.page.anonymous' : 'surveys.page.named')}</p>`;
  const results =
    survey.resultsPublic || data.staff
      ? html`<p><a href="/surveys/${survey.id}/results">${t('surveys.page.seeResults')}</a></p>`
      : '';
  const blocked = blocker
    ? html`<div class="notice" role="status"><p>${t(`surveys.error.${blocker}` as MessageKey)}</p>${
        blocker === 'AUTHENTICATION_REQUIRED'
          ? html`<p><a href="/sign-in?next=${encodeURIComponent(`/surveys/${survey.id}`)}">${t('surveys.page.signIn')}</a></p>`
          : ''
      }</div>`
    : '';
  const form = blocker
    ? ''
    : html`${errorSummary(request, errors)}<form method="post" action="/surveys/${survey.id}" class="survey-form" novalidate>
${csrfField(request)}
${questions.map((question, index) => questionField(request, question, questions, values, errors[fieldName(question.id)], index + 1))}
<p><button type="submit">${t('surveys.form.submit')}</button></p>
</form>`;
  reply.status(status);
  return renderPage(request, reply, {
    status: reply.statusCode,
    title: plain(request, survey.title),
    main: html`${stylesheet()}<h1>${translated(request, survey.title)}</h1>
${Object.values(survey.description).some(Boolean) ? html`<p>${translated(request, survey.description)}</p>` : ''}
${dates}${privacy}${results}${blocked}${form}`,
    noIndex: !survey.published,
    scripts: blocker ? [] : [surveysAsset('survey.js')],
  });
}
