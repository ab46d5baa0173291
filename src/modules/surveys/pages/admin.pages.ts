import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { endOfLastDay, startOfDay, dayIn, lastMoment } from '../../../platform/i18n/days.ts';
import type { App } from '../../../platform/http/app.ts';
import { Type } from 'typebox';
import {
  invalidForm,
  readForm,
  translatedFields,
  translatedValue,
  withNumbersAsNaN,
} from '../../../platform/web/forms.ts';
import { AppError } from '../../../platform/errors.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { isStorableIsoDate } from '../../../platform/validation.ts';
import { findProcesses } from '../../participation/index.ts';
import { authorizeSurveys } from '../surveys.policy.ts';
import { ChoiceForm, MoveForm, QuestionForm, SurveyForm } from '../surveys.forms.ts';
import { findSurveys, type Question, type SurveyValues } from '../surveys.repository.ts';
import {
  addChoice,
  addQuestion,
  createSurvey,
  moveQuestion,
  removeChoice,
  removeQuestion,
  renameChoice,
  surveyForStaff,
  updateQuestion,
  updateSurvey,
  type QuestionInput,
} from '../survey-admin.use-cases.ts';
import {
  adminListView,
  adminQuestionView,
  adminSurveyView,
  questionForm,
  settingsForm,
  type SurveyFormValues,
} from './admin.view.ts';
import { pathId, problemTexts } from './shared.ts';

/** The settings as sent, the values for the use case, and the days that could not be read. */
function surveyFromForm(request: FastifyRequest) {
  const { languages, timeZone } = request.organisation;
  const form = readForm(SurveyForm(languages), request.body);
  if (!form.ok) throw invalidForm(form.errors);
  const value = form.value;
  const problems: Record<string, string> = {};
  const day = (name: 'opensOn' | 'closesOn') => {
    const text = value[name];
    if (text === '') return null;
    if (!isStorableIsoDate(text)) {
      problems[name] = 'invalidDate';
      return null;
    }
    return name === 'opensOn' ? startOfDay(text, timeZone) : endOfLastDay(text, timeZone);
  };
  const input: SurveyValues = {
    processId: value.processId ?? null,
    title: translatedValue(value, 'title', languages),
    description: translatedValue(value, 'description', languages),
    anonymous: value.anonymous,
    resultsPublic: value.resultsPublic,
    eligibilityLevel: value.eligibilityLevel === 'verified' ? 'verified' : 'email',
    published: value.published,
    opensAt: day('opensOn'),
    closesAt: day('closesOn'),
  };
  const shown: SurveyFormValues = { ...input, opensOn: value.opensOn, closesOn: value.closesOn };
  return { input, shown, problems };
}

function shownSurvey(values: SurveyValues, timeZone: string): SurveyFormValues {
  return {
    ...values,
    opensOn: values.opensAt ? dayIn(values.opensAt, timeZone) : '',
    closesOn: values.closesAt ? dayIn(lastMoment(values.closesAt), timeZone) : '',
  };
}

function questionFromForm(request: FastifyRequest): QuestionInput {
  const languages = request.organisation.languages;
  const schema = QuestionForm(languages);
  const form = withNumbersAsNaN(schema, readForm(schema, request.body));
  const [questionId, choiceId] = /^\d{1,10}:\d{1,10}$/.test(form.condition)
    ? form.condition.split(':').map(Number)
    : [];
  return {
    kind: form.kind,
    title: translatedValue(form, 'question', languages),
    description: translatedValue(form, 'hint', languages),
    required: form.required,
    minChoices: form.minChoices ?? null,
    maxChoices: form.maxChoices ?? null,
    minValue: form.minValue ?? null,
    maxValue: form.maxValue ?? null,
    conditionQuestionId: questionId ?? null,
    conditionChoiceId: choiceId ?? null,
  };
}

/** Staff pages: surveys, their settings, questions (added, ordered, edited, removed), options and conditions. */
export function registerAdminPages(app: App, ctx: AppContext): void {
  async function processes(request: FastifyRequest) {
    return (await findProcesses(ctx.db, request.organisation.id)).map((p) => ({ id: p.id, title: p.title }));
  }

  async function list(request: FastifyRequest, values: SurveyFormValues, errors: Record<string, string>) {
    const surveys = await findSurveys(ctx.db, request.organisation.id, { publishedOnly: false });
    return { surveys, form: settingsForm(request, '/admin/surveys', values, errors, await processes(request), false) };
  }

  app.get('/admin/surveys', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const { surveys, form } = await list(request, { anonymous: true }, {});
    return adminListView(request, reply, surveys, form, {});
  });

  app.post('/admin/surveys', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const read = surveyFromForm(request);
    const outcome = await createSurvey(ctx, request.viewer, request.organisation, read.input);
    const problems = { ...read.problems, ...(outcome.ok ? {} : outcome.fields) };
    if (outcome.ok && Object.keys(read.problems).length === 0) {
      setNotice(reply, 'surveys.admin.saved');
      return reply.redirect(`/admin/surveys/${outcome.id}`, 303);
    }
    const errors = problemTexts(request, problems);
    const { surveys, form } = await list(request, read.shown, errors);
    reply.status(400);
    return adminListView(request, reply, surveys, form, errors);
  });

  async function surveyPage(
    request: FastifyRequest,
    id: number,
    settings: { values?: SurveyFormValues; errors?: Record<string, string> },
    question: { values?: Partial<QuestionInput>; errors?: Record<string, string> },
  ) {
    const data = await surveyForStaff(ctx, request.viewer, request.organisation, id);
    const errors = { ...settings.errors, ...question.errors };
    return {
      ...data,
      errors,
      settings: settingsForm(
        request,
        `/admin/surveys/${id}`,
        settings.values ?? shownSurvey(data.survey, request.organisation.timeZone),
        settings.errors ?? {},
        await processes(request),
        data.responses > 0,
      ),
      newQuestion: questionForm(
        request,
        `/admin/surveys/${id}/questions`,
        question.values ?? { kind: 'single' },
        question.errors ?? {},
        data.questions,
      ),
    };
  }

  app.get<{ Params: { id: string } }>('/admin/surveys/:id', async (request, reply) => {
    authorizeSurveys(request.viewer);
    return adminSurveyView(request, reply, await surveyPage(request, pathId(request.params.id), {}, {}));
  });

  app.post<{ Params: { id: string } }>('/admin/surveys/:id', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const id = pathId(request.params.id);
    const read = surveyFromForm(request);
    if (Object.keys(read.problems).length === 0) {
      const outcome = await updateSurvey(ctx, request.viewer, request.organisation, id, read.input);
      if (outcome.ok) {
        setNotice(reply, 'surveys.admin.saved');
        return reply.redirect(`/admin/surveys/${id}`, 303);
      }
      read.problems = outcome.fields;
    }
    reply.status(400);
    const errors = problemTexts(request, read.problems);
    return adminSurveyView(request, reply, await surveyPage(request, id, { values: read.shown, errors }, {}));
  });

  app.post<{ Params: { id: string } }>('/admin/surveys/:id/questions', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const id = pathId(request.params.id);
    const input = questionFromForm(request);
    const outcome = await addQuestion(ctx, request.viewer, request.organisation, id, input);
    if (outcome.ok) {
      setNotice(reply, 'surveys.admin.saved');
      return reply.redirect(`/admin/surveys/${id}/questions/${outcome.id}`, 303);
    }
    reply.status(400);
    const errors = problemTexts(request, outcome.fields);
    return adminSurveyView(request, reply, await surveyPage(request, id, {}, { values: input, errors }));
  });

  async function questionPage(
    request: FastifyRequest,
    surveyId: number,
    questionId: number,
    values: Partial<QuestionInput> | undefined,
    errors: Record<string, string>,
    choice: { role: 'option' | 'row'; values: Record<string, string> } = { role: 'option', values: {} },
  ) {
    const data = await surveyForStaff(ctx, request.viewer, request.organisation, surveyId);
    const question = data.questions.find((q) => q.id === questionId);
    if (!question) throw new AppError('SURVEY_QUESTION_NOT_FOUND');
    const earlier = data.questions.filter((q: Question) => q.position < question.position);
    return {
      survey: data.survey,
      question,
      errors,
      choiceValues: choice.values,
      choiceRole: choice.role,
      locked: data.responses > 0,
      form: questionForm(
        request,
        `/admin/surveys/${surveyId}/questions/${questionId}`,
        values ?? question,
        values ? errors : {},
        earlier,
      ),
    };
  }

  type QuestionParams = { Params: { id: string; questionId: string } };
  const ids = (params: QuestionParams['Params']) => ({
    surveyId: pathId(params.id),
    questionId: pathId(params.questionId, 'SURVEY_QUESTION_NOT_FOUND'),
  });

  app.get<QuestionParams>('/admin/surveys/:id/questions/:questionId', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const { surveyId, questionId } = ids(request.params);
    return adminQuestionView(request, reply, await questionPage(request, surveyId, questionId, undefined, {}));
  });

  app.post<QuestionParams>('/admin/surveys/:id/questions/:questionId', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const { surveyId, questionId } = ids(request.params);
    const input = questionFromForm(request);
    const outcome = await updateQuestion(ctx, request.viewer, request.organisation, surveyId, questionId, input);
    if (outcome.ok) {
      setNotice(reply, 'surveys.admin.saved');
      return reply.redirect(`/admin/surveys/${surveyId}/questions/${questionId}`, 303);
    }
    reply.status(400);
    const errors = problemTexts(request, outcome.fields);
    return adminQuestionView(request, reply, await questionPage(request, surveyId, questionId, input, errors));
  });

  app.post<QuestionParams>('/admin/surveys/:id/questions/:questionId/move', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const { surveyId, questionId } = ids(request.params);
    const form = readForm(MoveForm, request.body);
    const direction = form.ok && form.value.direction === 'up' ? 'up' : 'down';
    await moveQuestion(ctx, request.viewer, request.organisation, surveyId, questionId, direction);
    setNotice(reply, 'surveys.admin.saved');
    return reply.redirect(`/admin/surveys/${surveyId}`, 303);
  });

  app.post<QuestionParams>('/admin/surveys/:id/questions/:questionId/delete', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const { surveyId, questionId } = ids(request.params);
    await removeQuestion(ctx, request.viewer, request.organisation, surveyId, questionId);
    setNotice(reply, 'surveys.admin.removed');
    return reply.redirect(`/admin/surveys/${surveyId}`, 303);
  });

  app.post<QuestionParams>('/admin/surveys/:id/questions/:questionId/choices', async (request, reply) => {
    authorizeSurveys(request.viewer);
    const { surveyId, questionId } = ids(request.params);
    const languages = request.organisation.languages;
    const form = readForm(ChoiceForm(languages), request.body);
    const value = form.ok ? form.value : {};
    const role = form.ok && form.value.role === 'row' ? 'row' : 'option';
    const label = translatedValue(value, role === 'row' ? 'rowLabel' : 'label', languages);
    const outcome = await addChoice(ctx, request.viewer, request.organisation, surveyId, questionId, role, label);
    if (outcome.ok) {
      setNotice(reply, 'surveys.admin.saved');
      return reply.redirect(`/admin/surveys/${surveyId}/questions/${questionId}`, 303);
    }
    reply.status(400);
    const fields = Object.fromEntries(
      Object.entries(outcome.fields).map(([name, code]) => [
        role === 'row' ? name.replace(/^label_/, 'rowLabel_') : name,
        code,
      ]),
    );
    return adminQuestionView(
      request,
      reply,
      await questionPage(request, surveyId, questionId, undefined, problemTexts(request, fields), {
        role,
        values: label,
      }),
    );
  });

  app.post<{ Params: { id: string; questionId: string; choiceId: string } }>(
    '/admin/surveys/:id/questions/:questionId/choices/:choiceId',
    async (request, reply) => {
      authorizeSurveys(request.viewer);
      const { surveyId, questionId } = ids(request.params);
      const choiceId = pathId(request.params.choiceId, 'SURVEY_QUESTION_NOT_FOUND');
      const languages = request.organisation.languages;
      const prefix = `choice${choiceId}`;
      const form = readForm(Type.Object(translatedFields(prefix, languages)), request.body);
      if (!form.ok) throw invalidForm(form.errors);
      const label = translatedValue(form.value, prefix, languages);
      const outcome = await renameChoice(
        ctx,
        request.viewer,
        request.organisation,
        surveyId,
        questionId,
        choiceId,
        label,
      );
      if (outcome.ok) {
        setNotice(reply, 'surveys.admin.saved');
        return reply.redirect(`/admin/surveys/${surveyId}/questions/${questionId}`, 303);
      }
      reply.status(400);
      const errors = problemTexts(request, outcome.fields);
      return adminQuestionView(request, reply, await questionPage(request, surveyId, questionId, undefined, errors));
    },
  );

  app.post<{ Params: { id: string; questionId: string; choiceId: string } }>(
    '/admin/surveys/:id/questions/:questionId/choices/:choiceId/delete',
    async (request, reply) => {
      authorizeSurveys(request.viewer);
      const { surveyId, questionId } = ids(request.params);
      const choiceId = pathId(request.params.choiceId, 'SURVEY_QUESTION_NOT_FOUND');
      await removeChoice(ctx, request.viewer, request.organisation, surveyId, questionId, choiceId);
      setNotice(reply, 'surveys.admin.removed');
      return reply.redirect(`/admin/surveys/${surveyId}/questions/${questionId}`, 303);
    },
  );
}
