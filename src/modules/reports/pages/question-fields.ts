import type { FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import type { Category, Question } from '../report-categories.repository.ts';
import type { SubmissionProblem } from '../submit-report.use-cases.ts';
import { plain, reportsAsset } from './shared.ts';
import { readAnswerField } from '../reports.forms.ts';

/**
 * A question field's problem: its text, or its text with the stable code of the refusal (shown in the
 * page as `data-code`, as staff pages do).
 */
export type QuestionProblem = string | { code: string; message: string };

/** The form field name of an answer: `answer.<category>.<question>`, so each category's answers stay apart. */
export function answerName(category: string, question: string): string {
  return `answer.${category}.${question}`;
}

/** The element id of a question's input (or of one of its choices). */
export function questionId(category: string, question: Question, choiceIndex?: number): string {
  const base = `q-${category}-${question.code}`;
  return choiceIndex === undefined ? base : `${base}-${choiceIndex}`;
}

/**
 * The element id an intake problem about an answer (`attribute[code]`) points at: the input, or the
 * first choice of a choice question; undefined when the problem is not about one of these questions.
 */
export function questionFieldId(category: string, questions: Question[], problemField: string): string | undefined {
  const code = /^attribute\[(.+)\]$/.exec(problemField)?.[1];
  const question = questions.find((q) => q.code === code);
  if (!question) return undefined;
  return question.datatype === 'singlevaluelist' || question.datatype === 'multivaluelist'
    ? questionId(category, question, 0)
    : questionId(category, question);
}

const PROBLEM_KEYS: Record<string, MessageKey> = {
  REPORT_DESCRIPTION_REQUIRED: 'reports.error.description',
  REPORT_DESCRIPTION_TOO_LONG: 'reports.error.descriptionTooLong',
  REPORT_INVALID_LOCATION: 'reports.error.location',
  REPORT_OUTSIDE_CITY: 'reports.error.outside',
  REPORT_UNKNOWN_CATEGORY: 'reports.error.category',
  REPORT_MISSING_ANSWER: 'reports.error.answerMissing',
  REPORT_INVALID_ANSWER: 'reports.error.answerInvalid',
};

/** A refusal of the reports intake in the reader's language, naming the question it is about. */
export function submissionProblemMessage(
  request: FastifyRequest,
  problem: SubmissionProblem,
  questions: Question[],
): string {
  const code = /^attribute\[(.+)\]$/.exec(problem.field)?.[1];
  const question = questions.find((q) => q.code === code);
  const label = question ? plain(request, question.label) : '';
  const key = PROBLEM_KEYS[problem.code];
  return key ? request.t(key, { question: label }) : problem.message;
}

function errorParts(problem: QuestionProblem | undefined): { message: string; code: string | undefined } | undefined {
  if (problem === undefined) return undefined;
  return typeof problem === 'string' ? { message: problem, code: undefined } : problem;
}

/** One question as a labelled input, textarea, or fieldset of radio buttons / checkboxes. */
function questionField(
  request: FastifyRequest,
  category: Category,
  question: Question,
  values: string[],
  problem: QuestionProblem | undefined,
): Html {
  const { t } = request;
  const error = errorParts(problem);
  const name = answerName(category.code, question.code);
  const label = html`${plain(request, question.label)}${question.required ? html` <span class="muted">(${t('form.required')})</span>` : ''}`;
  const help = plain(request, question.help);
  const id = questionId(category.code, question);
  const describedBy = [help ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const hint = help ? html`<p class="field__hint" id="${id}-hint">${help}</p>` : '';
  const errorLine = error
    ? html`<p class="field__error" id="${id}-error"${error.code ? html` data-code="${error.code}"` : ''}>${error.message}</p>`
    : '';
  const aria = html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? raw(' aria-invalid="true"') : ''}`;
  if (question.datatype === 'singlevaluelist' || question.datatype === 'multivaluelist') {
    const type = question.datatype === 'singlevaluelist' ? 'radio' : 'checkbox';
    return html`<fieldset class="field${error ? ' field--error' : ''}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
  <legend>${label}</legend>${hint}${errorLine}
  ${question.options.map(
    (option, index) =>
      html`<div class="checkbox"><input type="${type}" id="${questionId(category.code, question, index)}" name="${name}" value="${option.key}"${values.includes(option.key) ? raw(' checked') : ''}><label for="${questionId(category.code, question, index)}">${plain(request, option.name)}</label></div>`,
  )}
</fieldset>`;
  }
  const value = values[0] ?? '';
  const input =
    question.datatype === 'text'
      ? html`<textarea id="${id}" name="${name}" maxlength="1000"${aria}>${value}</textarea>`
      : html`<input id="${id}" name="${name}" type="${question.datatype === 'number' ? 'number' : question.datatype === 'datetime' ? 'date' : 'text'}"${question.datatype === 'number' ? raw(' step="any"') : ''} value="${value}"${question.datatype === 'string' ? raw(' maxlength="1000"') : ''}${aria}>`;
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${id}">${label}</label>${hint}${errorLine}${input}</div>`;
}

/** The script that shows only the chosen category's questions (pages without it still work: see `questionFields`). */
export function questionFieldsScript(): string {
  return reportsAsset('question-fields.js');
}

/**
 * The questions of every category that asks some, one fieldset per category (`data-questions`). Only
 * the chosen category's fieldset is shown and sent; the others are `hidden disabled` until a script
 * switches them with the category select. Without a script, the page shows the chosen category's
 * questions once the category has been sent (an error page, or a "show the questions" step).
 * `values` are the chosen category's answers by question code; `errors` are keyed by field id
 * (see `questionFieldId`).
 */
export function questionFields(
  request: FastifyRequest,
  categories: Category[],
  questionsByCategory: Map<string, Question[]>,
  chosenCategory: string,
  values: Record<string, string[]>,
  errors: Record<string, QuestionProblem>,
): Html {
  const { t } = request;
  return html`${categories.map((category) => {
    const list = questionsByCategory.get(category.code) ?? [];
    if (list.length === 0) return '';
    const active = category.code === chosenCategory;
    return html`<fieldset class="questions" data-questions="${category.code}"${active ? '' : raw(' hidden disabled')}>
    <legend>${t('reports.new.questions', { category: plain(request, category.name) })}</legend>
    <p class="field__hint">${t('reports.new.questions.hint')}</p>
    ${list.map((question) => questionField(request, category, question, active ? (values[question.code] ?? []) : [], active ? errors[questionFieldId(category.code, list, `attribute[${question.code}]`) ?? ''] : undefined))}
  </fieldset>`;
  })}`;
}

/** The answers sent for one category's questions, by question code (all values, empty ones left out). */
export function answersFromForm(body: unknown, category: string, questions: Question[]): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  for (const question of questions) {
    const values = readAnswerField(body, answerName(category, question.code));
    if (values.length) answers[question.code] = values;
  }
  return answers;
}

/** Answers as the reports intake takes them: one value, or a list for a multiple-choice question. */
export function submissionAnswers(
  values: Record<string, string[]>,
  questions: Question[],
): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {};
  for (const question of questions) {
    const list = values[question.code];
    if (!list?.length) continue;
    answers[question.code] = question.datatype === 'multivaluelist' ? list : (list[0] as string);
  }
  return answers;
}
