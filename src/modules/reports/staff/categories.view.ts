import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { LANGUAGES, isLanguage } from '../../../platform/i18n/languages.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import { plain, statusLabel } from '../pages/shared.ts';
import type { Category, Question } from '../report-categories.repository.ts';
import type { QuestionDatatype } from '../reports.schema.ts';
import type { QuestionCount, RoutingRule } from './categories.repository.ts';
import { DATATYPES, formatOptions, type CategoryInput, type QuestionInput } from './categories.use-cases.ts';
import type { AnswerTemplate, Department } from './staff.repository.ts';
import { PUBLIC_ANSWER_MAX, SETTABLE_STATUSES } from './staff.use-cases.ts';
import { renderStaffPage, selectField, textareaField } from './shared.ts';

/** Blank question rows the form offers for adding questions (more after saving). */
const NEW_QUESTION_ROWS = 2;

function languageName(code: string): string {
  return isLanguage(code) ? LANGUAGES[code].name : code;
}

/** One text input per city language (`name_en`, `name_it`, …); the main language's is required. */
function translatedInputs(
  request: FastifyRequest,
  options: {
    prefix: string;
    label: MessageKey;
    value: Translated;
    errors: Record<string, string>;
    maxlength: number;
    required: boolean;
  },
): Html {
  const { organisation } = request;
  return html`${organisation.languages.map((language) => {
    const name = `${options.prefix}_${language}`;
    const error = options.errors[name];
    const required = options.required && language === organisation.defaultLanguage;
    return html`<div class="field${error ? ' field--error' : ''}">
  <label for="${name}">${request.t(options.label, { language: languageName(language) })}${required ? html` <span class="muted">(${request.t('reports.staff.categories.required')})</span>` : ''}</label>
  ${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
  <input type="text" id="${name}" name="${name}" lang="${language}" value="${options.value[language] ?? ''}" maxlength="${options.maxlength}"${required ? raw(' required') : ''}${error ? raw(` aria-invalid="true" aria-describedby="${name}-error"`) : ''}>
</div>`;
  })}`;
}

const DATATYPE_LABELS: Record<QuestionDatatype, MessageKey> = {
  string: 'reports.staff.categories.type.string',
  text: 'reports.staff.categories.type.text',
  number: 'reports.staff.categories.type.number',
  datetime: 'reports.staff.categories.type.datetime',
  singlevaluelist: 'reports.staff.categories.type.singlevaluelist',
  multivaluelist: 'reports.staff.categories.type.multivaluelist',
};

// ---- categories ----

/** What the list of categories shows: every category, the departments, how many questions each asks. */
export interface CategoryListData {
  categories: Category[];
  departments: Department[];
  counts: QuestionCount[];
}

export function categoryListPage(request: FastifyRequest, reply: FastifyReply, data: CategoryListData): FastifyReply {
  const { t } = request;
  const { categories, departments, counts } = data;
  const main = html`<h1>${t('reports.staff.categories.title')}</h1>
<p>${t('reports.staff.categories.lead')}</p>
<p><a class="button" href="/staff/categories/new">${t('reports.staff.categories.new')}</a></p>
<div class="table-wrap"><table class="data-table">
<thead><tr><th scope="col">${t('reports.staff.categories.group')}</th><th scope="col">${t('reports.staff.categories.name')}</th><th scope="col">${t('reports.staff.categories.code')}</th><th scope="col">${t('reports.staff.categories.deadline')}</th><th scope="col">${t('reports.staff.categories.defaultDepartment')}</th><th scope="col">${t('reports.staff.categories.questions')}</th><th scope="col">${t('reports.staff.categories.active')}</th></tr></thead>
<tbody>${categories.map(
    (c) => html`<tr>
  <td>${plain(request, c.group)}</td>
  <td><a href="/staff/categories/${c.id}">${plain(request, c.name)}</a></td>
  <td><code>${c.code}</code></td>
  <td>${t('reports.staff.categories.days', { count: Number((c.expectedHours / 24).toFixed(2)) })}</td>
  <td>${plain(request, departments.find((d) => d.id === c.defaultDepartmentId)?.name) || '—'}</td>
  <td>${counts.find((row) => row.category_id === c.id)?.n ?? 0}</td>
  <td>${c.active ? t('reports.new.yes') : t('reports.new.no')}</td>
</tr>`,
  )}</tbody>
</table></div>`;
  return renderStaffPage(request, reply, { title: t('reports.staff.categories.title'), main });
}

interface CategoryFormValues {
  input: CategoryInput;
  errors: Record<string, string>;
}

export function questionInputs(questions: Question[], languages: readonly string[]): QuestionInput[] {
  return questions.map((q) => ({
    id: q.id,
    code: q.code,
    datatype: q.datatype,
    required: q.required,
    label: q.label,
    options: formatOptions(q.options, languages),
    remove: false,
  }));
}

function questionFieldset(
  request: FastifyRequest,
  question: QuestionInput,
  index: number,
  errors: Record<string, string>,
): Html {
  const { t, organisation } = request;
  const prefix = `q${index}`;
  const isNew = question.id === undefined;
  return html`<fieldset class="staff-question">
  <legend>${isNew ? t('reports.staff.categories.questionNew') : t('reports.staff.categories.questionN', { n: index + 1 })}</legend>
  ${isNew ? '' : html`<input type="hidden" name="${prefix}_id" value="${question.id}">`}
  <div class="field${errors[`${prefix}_code`] ? ' field--error' : ''}"><label for="${prefix}_code">${t('reports.staff.categories.questionCode')}</label><p class="field__hint" id="${prefix}_code-hint">${t('reports.staff.categories.codeHint')}</p>${errors[`${prefix}_code`] ? html`<p class="field__error">${errors[`${prefix}_code`]}</p>` : ''}<input type="text" id="${prefix}_code" name="${prefix}_code" value="${question.code}" maxlength="40" aria-describedby="${prefix}_code-hint"></div>
  ${selectField({ name: `${prefix}_datatype`, label: t('reports.staff.categories.questionType'), choices: DATATYPES.map((d) => ({ value: d, label: t(DATATYPE_LABELS[d]) })), value: question.datatype || 'string', error: errors[`${prefix}_datatype`] })}
  ${translatedInputs(request, { prefix: `${prefix}_label`, label: 'reports.staff.categories.questionLabel', value: question.label, errors, maxlength: 200, required: false })}
  ${textareaField({ name: `${prefix}_options`, label: t('reports.staff.categories.options'), hint: t('reports.staff.categories.optionsHint', { languages: organisation.languages.map(languageName).join(' | ') }), value: question.options, error: errors[`${prefix}_options`], maxlength: 4000, rows: 4 })}
  <div class="checkbox"><input type="checkbox" id="${prefix}_required" name="${prefix}_required" value="1"${question.required ? raw(' checked') : ''}><label for="${prefix}_required">${t('reports.staff.categories.questionRequired')}</label></div>
  ${isNew ? '' : html`<div class="checkbox"><input type="checkbox" id="${prefix}_remove" name="${prefix}_remove" value="1"${question.remove ? raw(' checked') : ''}><label for="${prefix}_remove">${t('reports.staff.categories.questionRemove')}</label></div>`}
</fieldset>`;
}

/** The form of a category (new when `id` is undefined); `allDepartments` are the city's, archived ones too. */
export function categoryFormPage(
  request: FastifyRequest,
  reply: FastifyReply,
  allDepartments: Department[],
  id: number | undefined,
  values: CategoryFormValues,
  status = 200,
): FastifyReply {
  const { t } = request;
  const departments = allDepartments.filter((d) => !d.archived || String(d.id) === values.input.defaultDepartmentId);
  const { input, errors } = values;
  const questions = [...input.questions];
  while (questions.filter((q) => q.id === undefined).length < NEW_QUESTION_ROWS)
    questions.push({ code: '', datatype: 'string', required: false, label: {}, options: '', remove: false });
  const title =
    id === undefined
      ? t('reports.staff.categories.new')
      : t('reports.staff.categories.edit', { name: plain(request, input.name) });
  const main = html`<p><a href="/staff/categories">← ${t('reports.staff.categories.title')}</a></p>
<h1>${title}</h1>
${errorSummary(request, errors)}
<form method="post" action="${id === undefined ? '/staff/categories/new' : `/staff/categories/${id}`}">
  ${csrfField(request)}
  <div class="field${errors.code ? ' field--error' : ''}"><label for="code">${t('reports.staff.categories.code')}</label><p class="field__hint" id="code-hint">${t('reports.staff.categories.codeHint')}</p>${errors.code ? html`<p class="field__error" id="code-error">${errors.code}</p>` : ''}<input type="text" id="code" name="code" value="${input.code}" maxlength="40" required aria-describedby="code-hint${errors.code ? ' code-error' : ''}"${errors.code ? raw(' aria-invalid="true"') : ''}></div>
  <fieldset class="staff-panel"><legend>${t('reports.staff.categories.name')}</legend>${translatedInputs(request, { prefix: 'name', label: 'reports.staff.categories.nameIn', value: input.name, errors, maxlength: 120, required: true })}</fieldset>
  <fieldset class="staff-panel"><legend>${t('reports.staff.categories.group')}</legend>${translatedInputs(request, { prefix: 'group', label: 'reports.staff.categories.groupIn', value: input.group, errors, maxlength: 120, required: true })}</fieldset>
  <fieldset class="staff-panel"><legend>${t('reports.staff.categories.description')}</legend>${translatedInputs(request, { prefix: 'description', label: 'reports.staff.categories.descriptionIn', value: input.description, errors, maxlength: 500, required: false })}</fieldset>
  <div class="field"><label for="keywords">${t('reports.staff.categories.keywords')}</label><input type="text" id="keywords" name="keywords" value="${input.keywords}" maxlength="300"></div>
  <div class="field${errors.deadlineDays ? ' field--error' : ''}"><label for="deadlineDays">${t('reports.staff.categories.deadline')}</label><p class="field__hint" id="deadlineDays-hint">${t('reports.staff.categories.deadlineHint')}</p>${errors.deadlineDays ? html`<p class="field__error">${errors.deadlineDays}</p>` : ''}<input type="number" id="deadlineDays" name="deadlineDays" value="${input.deadlineDays}" min="0.25" max="365" step="0.25" required aria-describedby="deadlineDays-hint"></div>
  ${selectField({ name: 'defaultDepartmentId', label: t('reports.staff.categories.defaultDepartment'), hint: t('reports.staff.categories.defaultDepartmentHint'), choices: [{ value: '', label: t('reports.page.noDepartment') }, ...departments.map((d) => ({ value: String(d.id), label: plain(request, d.name) }))], value: input.defaultDepartmentId, error: errors.defaultDepartmentId })}
  <div class="field${errors.sort ? ' field--error' : ''}"><label for="sort">${t('reports.staff.categories.sort')}</label>${errors.sort ? html`<p class="field__error">${errors.sort}</p>` : ''}<input type="number" id="sort" name="sort" value="${input.sort}" step="1"></div>
  <div class="checkbox"><input type="checkbox" id="active" name="active" value="1"${input.active ? raw(' checked') : ''}><label for="active">${t('reports.staff.categories.activeLabel')}</label></div>
  <h2 id="questions">${t('reports.staff.categories.questions')}</h2>
  <p>${t('reports.staff.categories.questionsLead')}</p>
  ${errors.questions ? html`<p class="field__error">${errors.questions}</p>` : ''}
  ${questions.map((question, index) => questionFieldset(request, question, index, errors))}
  <button type="submit" class="button">${t('reports.staff.categories.save')}</button>
</form>`;
  return renderStaffPage(request, reply, { title, main, status });
}

// ---- routing ----

/** What the routing page shows: the categories with their rules, and the choices of a new rule. */
export interface RoutingData {
  categories: Category[];
  departments: Department[];
  districts: District[];
  rules: RoutingRule[];
  /** Active departments without a member: reports routed to them reach nobody. */
  withoutMembers: number[];
}

export function routingPage(
  request: FastifyRequest,
  reply: FastifyReply,
  data: RoutingData,
  errors: Record<string, string> = {},
  values: Record<string, string> = {},
  status = 200,
): FastifyReply {
  const { t } = request;
  const { categories, departments, districts, rules, withoutMembers } = data;
  const name = (list: Array<{ id: number; name: Translated }>, id: number | null) =>
    plain(request, list.find((item) => item.id === id)?.name);
  const empty = new Set(withoutMembers);
  // the department of each row, marked when it has no member
  const departmentCell = (id: number | null) =>
    id !== null && empty.has(id)
      ? html`${name(departments, id)} <span class="tag tag--warning">${t('reports.staff.routing.noMembers')}</span>`
      : html`${name(departments, id)}`;
  const routedToEmpty = departments.filter(
    (d) =>
      empty.has(d.id) &&
      (rules.some((rule) => rule.departmentId === d.id) ||
        categories.some(
          (category) =>
            category.defaultDepartmentId === d.id &&
            !rules.some((rule) => rule.categoryId === category.id && rule.districtId === null),
        )),
  );
  const main = html`<h1>${t('reports.staff.routing.title')}</h1>
<p>${t('reports.staff.routing.lead')}</p>
${errorSummary(request, errors)}
${
  routedToEmpty.length > 0
    ? html`<div class="notice notice--warning" id="routing-warning"><p>${t('reports.staff.routing.emptyWarning')}</p>
<ul>${routedToEmpty.map((d) => html`<li><a href="/admin/departments/${d.id}">${plain(request, d.name)}</a></li>`)}</ul></div>`
    : ''
}
<div class="table-wrap"><table class="data-table">
<caption class="visually-hidden">${t('reports.staff.routing.title')}</caption>
<thead><tr><th scope="col">${t('reports.filter.category')}</th><th scope="col">${t('reports.filter.district')}</th><th scope="col">${t('reports.staff.reroute.department')}</th><th scope="col"><span class="visually-hidden">${t('reports.staff.routing.actions')}</span></th></tr></thead>
<tbody>${categories.map((category) => {
    const own = rules.filter((rule) => rule.categoryId === category.id);
    return html`${own.map(
      (
        rule,
      ) => html`<tr><td>${plain(request, category.name)}</td><td>${rule.districtId === null ? t('reports.staff.routing.wholeCity') : name(districts, rule.districtId)}</td><td>${departmentCell(rule.departmentId)}</td>
  <td><form method="post" action="/staff/routing/${rule.id}/delete" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('reports.staff.routing.remove')}<span class="visually-hidden">: ${plain(request, category.name)}, ${rule.districtId === null ? t('reports.staff.routing.wholeCity') : name(districts, rule.districtId)}</span></button></form></td></tr>`,
    )}${own.some((rule) => rule.districtId === null) ? '' : html`<tr><td>${plain(request, category.name)}</td><td>${t('reports.staff.routing.default')}</td><td>${category.defaultDepartmentId === null ? t('reports.page.noDepartment') : departmentCell(category.defaultDepartmentId)}</td><td><a href="/staff/categories/${category.id}">${t('reports.staff.routing.editDefault')}<span class="visually-hidden">: ${plain(request, category.name)}</span></a></td></tr>`}`;
  })}</tbody>
</table></div>
<section class="staff-panel" aria-labelledby="routing-add">
<h2 id="routing-add">${t('reports.staff.routing.add')}</h2>
<form method="post" action="/staff/routing">
  ${csrfField(request)}
  ${selectField({ name: 'categoryId', label: t('reports.filter.category'), choices: [{ value: '', label: t('reports.new.chooseOne') }, ...categories.map((c) => ({ value: String(c.id), label: plain(request, c.name), group: plain(request, c.group) }))], value: values.categoryId ?? '', error: errors.categoryId, required: true })}
  ${selectField({ name: 'districtId', label: t('reports.filter.district'), choices: [{ value: '', label: t('reports.staff.routing.wholeCity') }, ...districts.map((d) => ({ value: String(d.id), label: d.kind === 'neighbourhood' ? `— ${plain(request, d.name)}` : plain(request, d.name) }))], value: values.districtId ?? '', error: errors.districtId })}
  ${selectField({ name: 'departmentId', label: t('reports.staff.reroute.department'), choices: [{ value: '', label: t('reports.new.chooseOne') }, ...departments.filter((d) => !d.archived).map((d) => ({ value: String(d.id), label: empty.has(d.id) ? t('reports.staff.routing.departmentNoMembers', { department: plain(request, d.name) }) : plain(request, d.name) }))], value: values.departmentId ?? '', error: errors.departmentId, required: true })}
  <button type="submit" class="button">${t('reports.staff.routing.save')}</button>
</form>
</section>`;
  return renderStaffPage(request, reply, { title: t('reports.staff.routing.title'), main, status });
}

// ---- answer templates ----

export function templatesPage(
  request: FastifyRequest,
  reply: FastifyReply,
  templates: AnswerTemplate[],
  errors: Record<string, string> = {},
  values?: Record<string, string>,
  status = 200,
): FastifyReply {
  const { t, organisation } = request;
  const valueOf = (s: string, language: string) =>
    values?.[`template-${s}-${language}`] ??
    templates.find((tpl) => tpl.status === s && tpl.language === language)?.body ??
    '';
  const main = html`<h1>${t('reports.staff.templates.title')}</h1>
<p>${t('reports.staff.templates.lead')}</p>
${errorSummary(request, errors)}
<form method="post" action="/staff/answer-templates">
  ${csrfField(request)}
  ${SETTABLE_STATUSES.map(
    (s) => html`<fieldset class="staff-panel"><legend>${statusLabel(request, s)}</legend>
    ${organisation.languages.map((language) => textareaField({ name: `template-${s}-${language}`, label: t('reports.staff.templates.in', { language: languageName(language) }), value: valueOf(s, language), error: errors[`template-${s}-${language}`], maxlength: PUBLIC_ANSWER_MAX, rows: 3, lang: language }))}
  </fieldset>`,
  )}
  <button type="submit" class="button">${t('reports.staff.templates.save')}</button>
</form>`;
  return renderStaffPage(request, reply, { title: t('reports.staff.templates.title'), main, status });
}
