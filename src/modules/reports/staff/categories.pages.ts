import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { findCategories, findCategoryById, findQuestions } from '../report-categories.repository.ts';
import { countQuestionsByCategory, findCategorySort, findRoutingRules } from './categories.repository.ts';
import {
  removeRoutingRule,
  saveCategory,
  setRoutingRule,
  type CategoryInput,
  type QuestionInput,
} from './categories.use-cases.ts';
import { authorize } from './staff.policy.ts';
import { invalidForm, readForm, translatedValue } from '../../../platform/web/forms.ts';
import { AnswerTemplatesForm, readCategoryForm, RoutingForm } from '../reports.forms.ts';
import { saveAnswerTemplates, SETTABLE_STATUSES } from './staff.use-cases.ts';
import { findAnswerTemplates, findDepartmentIdsWithoutMembers, findDepartments } from './staff.repository.ts';
import { idFrom, paramId, translateErrors } from './shared.ts';
import {
  categoryFormPage,
  categoryListPage,
  questionInputs,
  routingPage,
  templatesPage,
  type RoutingData,
} from './categories.view.ts';

/** What the routing page shows, read in one go. */
async function loadRouting(ctx: AppContext, organisationId: number): Promise<RoutingData> {
  const [categories, departments, districts, rules, withoutMembers] = await Promise.all([
    findCategories(ctx.db, organisationId, true),
    findDepartments(ctx.db, organisationId),
    findDistricts(ctx.db, organisationId),
    findRoutingRules(ctx.db, organisationId),
    findDepartmentIdsWithoutMembers(ctx.db, organisationId),
  ]);
  return { categories, departments, districts, rules, withoutMembers };
}

function categoryInputFrom(request: FastifyRequest): CategoryInput {
  const languages = request.organisation.languages;
  const form = readCategoryForm(request.body, languages);
  if (!form.ok) throw invalidForm(form.errors);
  const { category } = form;
  const questions: QuestionInput[] = form.questions.map((question) => ({
    id: idFrom(question.id),
    code: question.code,
    datatype: question.datatype,
    required: question.required,
    label: translatedValue(question, 'label', languages),
    options: question.options,
    remove: question.remove,
  }));
  return {
    code: category.code,
    name: translatedValue(category, 'name', languages),
    group: translatedValue(category, 'group', languages),
    description: translatedValue(category, 'description', languages),
    keywords: category.keywords,
    deadlineDays: category.deadlineDays,
    defaultDepartmentId: category.defaultDepartmentId,
    active: category.active,
    sort: category.sort,
    questions,
  };
}

/** The field names in errors are those of the submitted rows; the page shows the same rows, so they match. */
async function handleCategoryPost(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
): Promise<FastifyReply> {
  authorize(request.viewer, 'configure');
  const input = categoryInputFrom(request);
  const outcome = await saveCategory(ctx, request.viewer, request.organisation, id, input);
  if (!outcome.ok)
    return categoryFormPage(
      request,
      reply,
      await findDepartments(ctx.db, request.organisation.id),
      id,
      { input, errors: translateErrors(request, outcome.fields) },
      400,
    );
  setNotice(reply, 'reports.staff.notice.categorySaved');
  return reply.redirect(`/staff/categories/${outcome.id}`, 303);
}

/** Categories with their questions, routing rules and answer templates: the administrators' settings of reports. */
export function registerCategoryPages(app: App, ctx: AppContext): void {
  app.get('/staff/categories', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    const { organisation } = request;
    const [categories, departments, counts] = await Promise.all([
      findCategories(ctx.db, organisation.id, true),
      findDepartments(ctx.db, organisation.id),
      countQuestionsByCategory(ctx.db, organisation.id),
    ]);
    return categoryListPage(request, reply, { categories, departments, counts });
  });

  app.get('/staff/categories/new', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    const empty: CategoryInput = {
      code: '',
      name: {},
      group: {},
      description: {},
      keywords: '',
      deadlineDays: '5',
      defaultDepartmentId: '',
      active: true,
      sort: '0',
      questions: [],
    };
    const departments = await findDepartments(ctx.db, request.organisation.id);
    return categoryFormPage(request, reply, departments, undefined, { input: empty, errors: {} });
  });
  app.post('/staff/categories/new', { schema: { hide: true } }, async (request, reply) =>
    handleCategoryPost(ctx, request, reply, undefined),
  );

  app.get('/staff/categories/:id', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    const id = paramId(request);
    const category = id === undefined ? undefined : await findCategoryById(ctx.db, request.organisation.id, id);
    if (!category) throw new AppError('NOT_FOUND');
    const questions = await findQuestions(ctx.db, category.id);
    const input: CategoryInput = {
      code: category.code,
      name: category.name,
      group: category.group,
      description: category.description,
      keywords: category.keywords,
      deadlineDays: String(Number((category.expectedHours / 24).toFixed(2))),
      defaultDepartmentId: category.defaultDepartmentId === null ? '' : String(category.defaultDepartmentId),
      active: category.active,
      sort: String(await findCategorySort(ctx.db, category.id)),
      questions: questionInputs(questions, request.organisation.languages),
    };
    const departments = await findDepartments(ctx.db, request.organisation.id);
    return categoryFormPage(request, reply, departments, category.id, { input, errors: {} });
  });
  app.post('/staff/categories/:id', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    const id = paramId(request);
    if (id === undefined || !(await findCategoryById(ctx.db, request.organisation.id, id)))
      throw new AppError('NOT_FOUND');
    return handleCategoryPost(ctx, request, reply, id);
  });

  app.get('/staff/routing', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    return routingPage(request, reply, await loadRouting(ctx, request.organisation.id));
  });
  app.post('/staff/routing', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    const form = readForm(RoutingForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const values = form.value;
    const outcome = await setRoutingRule(ctx, request.viewer, request.organisation, {
      categoryId: idFrom(values.categoryId),
      districtId: idFrom(values.districtId) ?? null,
      departmentId: idFrom(values.departmentId),
    });
    if (!outcome.ok)
      return routingPage(
        request,
        reply,
        await loadRouting(ctx, request.organisation.id),
        translateErrors(request, outcome.fields),
        values,
        400,
      );
    setNotice(
      reply,
      outcome.departmentWithoutMembers
        ? 'reports.staff.notice.routingSavedNoMembers'
        : 'reports.staff.notice.routingSaved',
    );
    return reply.redirect('/staff/routing', 303);
  });
  app.post('/staff/routing/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const id = paramId(request);
    if (id === undefined) throw new AppError('NOT_FOUND');
    await removeRoutingRule(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'reports.staff.notice.routingRemoved');
    return reply.redirect('/staff/routing', 303);
  });

  app.get('/staff/answer-templates', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    return templatesPage(request, reply, await findAnswerTemplates(ctx.db, request.organisation.id));
  });
  app.post('/staff/answer-templates', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.viewer, 'configure');
    const form = readForm(AnswerTemplatesForm(request.organisation.languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const texts = form.value as Record<string, string>;
    // only the texts the form sent: a field that is absent is left alone, never taken as emptied
    const sent = new Set(Object.keys(request.body ?? {}));
    const entries = SETTABLE_STATUSES.flatMap((s) =>
      request.organisation.languages.map((language) => ({
        status: s,
        language,
        body: texts[`template-${s}-${language}`] ?? '',
      })),
    ).filter((e) => sent.has(`template-${e.status}-${e.language}`));
    const outcome = await saveAnswerTemplates(ctx, request.viewer, request.organisation, entries);
    if (!outcome.ok)
      return templatesPage(
        request,
        reply,
        await findAnswerTemplates(ctx.db, request.organisation.id),
        translateErrors(request, outcome.fields),
        Object.fromEntries(entries.map((e) => [`template-${e.status}-${e.language}`, e.body])),
        400,
      );
    setNotice(reply, 'reports.staff.notice.templatesSaved');
    return reply.redirect('/staff/answer-templates', 303);
  });
}
