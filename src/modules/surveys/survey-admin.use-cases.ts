import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProcess } from '../participation/index.ts';
import { authorizeSurveys } from './surveys.policy.ts';
import {
  countResponses,
  deleteChoiceRow,
  deleteQuestionRow,
  findQuestions,
  findSurvey,
  insertChoice,
  insertQuestion,
  insertSurvey,
  setQuestionPositions,
  updateChoiceLabel,
  updateQuestionRow,
  updateSurveyRow,
  type Question,
  type QuestionValues,
  type Survey,
  type SurveyValues,
} from './surveys.repository.ts';
import { CHOICE_KINDS, QUESTION_KINDS, type QuestionKind } from './surveys.schema.ts';

/** A field's problem code; the page shows `surveys.problem.<code>`. */
export type SettingProblem =
  | 'titleRequired'
  | 'tooLong'
  | 'unknownProcess'
  | 'closesBeforeOpens'
  | 'invalidKind'
  | 'invalidRange'
  | 'invalidCondition'
  | 'labelRequired';
export type FieldErrors = Record<string, SettingProblem>;
export type Outcome<T> = ({ ok: true } & T) | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors };

function actor(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

function hasText(value: Translated): boolean {
  return Object.values(value).some((text) => text.trim() !== '');
}

function tooLong(value: Translated, limit: number): boolean {
  return Object.values(value).some((text) => text.length > limit);
}

async function checkSurvey(ctx: AppContext, organisation: Organisation, input: SurveyValues): Promise<FieldErrors> {
  const fields: FieldErrors = {};
  const first = `title_${organisation.defaultLanguage}`;
  if (!hasText(input.title)) fields[first] = 'titleRequired';
  else if (tooLong(input.title, 200)) fields[first] = 'tooLong';
  if (tooLong(input.description, 5000)) fields[`description_${organisation.defaultLanguage}`] = 'tooLong';
  if (input.processId !== null && !(await findProcess(ctx.db, organisation.id, input.processId)))
    fields.processId = 'unknownProcess';
  if (input.opensAt && input.closesAt && input.closesAt <= input.opensAt) fields.closesOn = 'closesBeforeOpens';
  return fields;
}

export async function createSurvey(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: SurveyValues,
): Promise<Outcome<{ id: number }>> {
  authorizeSurveys(viewer);
  const fields = await checkSurvey(ctx, organisation, input);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertSurvey(tx, organisation.id, input);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.create',
      subjectType: 'survey',
      subjectId: id,
      after: input,
    });
    return id;
  });
  return { ok: true, id };
}

async function requireSurvey(ctx: AppContext, organisation: Organisation, id: number): Promise<Survey> {
  const survey = await findSurvey(ctx.db, organisation.id, id);
  if (!survey) throw new AppError('SURVEY_NOT_FOUND');
  return survey;
}

/** Staff's view of a survey: its settings, questions and how many answered. */
export async function surveyForStaff(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizeSurveys(viewer);
  const survey = await requireSurvey(ctx, organisation, id);
  return {
    survey,
    questions: await findQuestions(ctx.db, survey.id),
    responses: await countResponses(ctx.db, survey.id),
  };
}

/**
 * Changes a survey's settings. Anonymity is fixed once someone answered (their answers were given
 * under the promise made when they answered).
 */
export async function updateSurvey(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  input: SurveyValues,
): Promise<Outcome<object>> {
  authorizeSurveys(viewer);
  const survey = await requireSurvey(ctx, organisation, id);
  const fields = await checkSurvey(ctx, organisation, input);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const values = (await countResponses(ctx.db, id)) > 0 ? { ...input, anonymous: survey.anonymous } : input;
  await ctx.db.transaction().execute(async (tx) => {
    await updateSurveyRow(tx, id, values);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.update',
      subjectType: 'survey',
      subjectId: id,
      before: survey,
      after: values,
    });
  });
  return { ok: true };
}

/** The survey and its questions, for a change of its questions: refused once someone answered. */
async function editableSurvey(ctx: AppContext, organisation: Organisation, id: number) {
  const survey = await requireSurvey(ctx, organisation, id);
  if ((await countResponses(ctx.db, id)) > 0) throw new AppError('SURVEY_LOCKED');
  return { survey, questions: await findQuestions(ctx.db, id) };
}

function requireQuestion(questions: Question[], questionId: number): Question {
  const question = questions.find((q) => q.id === questionId);
  if (!question) throw new AppError('SURVEY_QUESTION_NOT_FOUND');
  return question;
}

export interface QuestionInput extends Omit<QuestionValues, 'kind'> {
  kind: string;
}

function checkQuestion(
  organisation: Organisation,
  questions: Question[],
  input: QuestionInput,
  self: Question | undefined,
): FieldErrors {
  const fields: FieldErrors = {};
  const first = `question_${organisation.defaultLanguage}`;
  if (!hasText(input.title)) fields[first] = 'titleRequired';
  else if (tooLong(input.title, 300) || tooLong(input.description, 2000)) fields[first] = 'tooLong';
  if (!(QUESTION_KINDS as readonly string[]).includes(input.kind)) fields.kind = 'invalidKind';
  const range = (min: number | null, max: number | null) => min !== null && max !== null && min > max;
  const bad = (n: number | null) => n !== null && !Number.isFinite(n);
  if (bad(input.minChoices) || bad(input.maxChoices) || range(input.minChoices, input.maxChoices))
    fields.minChoices = 'invalidRange';
  if (
    (input.minChoices !== null && (input.minChoices < 0 || input.minChoices > 100)) ||
    (input.maxChoices !== null && (input.maxChoices < 1 || input.maxChoices > 100))
  )
    fields.minChoices = 'invalidRange';
  if (bad(input.minValue) || bad(input.maxValue) || range(input.minValue, input.maxValue))
    fields.minValue = 'invalidRange';
  if (input.conditionQuestionId !== null) {
    // a condition names an option of an earlier single or multiple choice question
    const position = self ? self.position : Infinity;
    const target = questions.find((q) => q.id === input.conditionQuestionId);
    const valid =
      target !== undefined &&
      target.position < position &&
      (target.kind === 'single' || target.kind === 'multiple') &&
      target.options.some((o) => o.id === input.conditionChoiceId);
    if (!valid) fields.condition = 'invalidCondition';
  }
  return fields;
}

function questionValues(input: QuestionInput): QuestionValues {
  const kind = input.kind as QuestionKind;
  const choices = kind === 'multiple';
  const numbers = kind === 'number';
  return {
    ...input,
    kind,
    minChoices: choices ? input.minChoices : null,
    maxChoices: choices ? input.maxChoices : null,
    minValue: numbers ? input.minValue : null,
    maxValue: numbers ? input.maxValue : null,
    conditionChoiceId: input.conditionQuestionId === null ? null : input.conditionChoiceId,
  };
}

export async function addQuestion(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  input: QuestionInput,
): Promise<Outcome<{ id: number }>> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  const fields = checkQuestion(organisation, questions, input, undefined);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertQuestion(tx, organisation.id, surveyId, questionValues(input));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.question.add',
      subjectType: 'survey',
      subjectId: surveyId,
      after: { id, ...input },
    });
    return id;
  });
  return { ok: true, id };
}

export async function updateQuestion(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  questionId: number,
  input: QuestionInput,
): Promise<Outcome<object>> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  const question = requireQuestion(questions, questionId);
  const fields = checkQuestion(organisation, questions, input, question);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  await ctx.db.transaction().execute(async (tx) => {
    await updateQuestionRow(tx, questionId, questionValues(input));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.question.update',
      subjectType: 'survey',
      subjectId: surveyId,
      before: question,
      after: input,
    });
  });
  return { ok: true };
}

/** Moves a question one place up or down. Conditions pointing forward are dropped (they would never hold). */
export async function moveQuestion(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  questionId: number,
  direction: 'up' | 'down',
): Promise<void> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  requireQuestion(questions, questionId);
  const ids = questions.map((q) => q.id);
  const index = ids.indexOf(questionId);
  const other = direction === 'up' ? index - 1 : index + 1;
  if (other < 0 || other >= ids.length) return;
  [ids[index], ids[other]] = [ids[other] as number, ids[index] as number];
  await ctx.db.transaction().execute(async (tx) => {
    await setQuestionPositions(tx, surveyId, ids);
    for (const q of questions) {
      if (q.conditionQuestionId === null) continue;
      if (ids.indexOf(q.conditionQuestionId) > ids.indexOf(q.id))
        await updateQuestionRow(tx, q.id, { ...q, conditionQuestionId: null, conditionChoiceId: null });
    }
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.question.move',
      subjectType: 'survey',
      subjectId: surveyId,
      after: { questionId, direction },
    });
  });
}

export async function removeQuestion(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  questionId: number,
): Promise<void> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  const question = requireQuestion(questions, questionId);
  await ctx.db.transaction().execute(async (tx) => {
    await deleteQuestionRow(tx, questionId);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.question.remove',
      subjectType: 'survey',
      subjectId: surveyId,
      before: question,
    });
  });
}

/** Adds an option (or, to a matrix, a row) to a question that takes choices. */
export async function addChoice(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  questionId: number,
  role: 'option' | 'row',
  label: Translated,
): Promise<Outcome<{ id: number }>> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  const question = requireQuestion(questions, questionId);
  if (!CHOICE_KINDS.includes(question.kind) || (role === 'row' && question.kind !== 'matrix'))
    throw new AppError('SURVEY_QUESTION_NOT_FOUND');
  const first = `label_${organisation.defaultLanguage}`;
  if (!hasText(label)) return { ok: false, code: 'VALIDATION_FAILED', fields: { [first]: 'labelRequired' } };
  if (tooLong(label, 200)) return { ok: false, code: 'VALIDATION_FAILED', fields: { [first]: 'tooLong' } };
  if (question.options.length + question.rows.length >= 100)
    return { ok: false, code: 'VALIDATION_FAILED', fields: { [first]: 'invalidRange' } };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertChoice(tx, organisation.id, questionId, role, label);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.choice.add',
      subjectType: 'survey',
      subjectId: surveyId,
      after: { questionId, id, role, label },
    });
    return id;
  });
  return { ok: true, id };
}

/** Changes the label of an option or a row (field problems are named `choice<id>_<language>`). */
export async function renameChoice(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  questionId: number,
  choiceId: number,
  label: Translated,
): Promise<Outcome<object>> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  const question = requireQuestion(questions, questionId);
  const choice = [...question.options, ...question.rows].find((c) => c.id === choiceId);
  if (!choice) throw new AppError('SURVEY_QUESTION_NOT_FOUND');
  const first = `choice${choiceId}_${organisation.defaultLanguage}`;
  if (!hasText(label)) return { ok: false, code: 'VALIDATION_FAILED', fields: { [first]: 'labelRequired' } };
  if (tooLong(label, 200)) return { ok: false, code: 'VALIDATION_FAILED', fields: { [first]: 'tooLong' } };
  await ctx.db.transaction().execute(async (tx) => {
    await updateChoiceLabel(tx, questionId, choiceId, label);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.choice.rename',
      subjectType: 'survey',
      subjectId: surveyId,
      before: choice,
      after: { id: choiceId, label },
    });
  });
  return { ok: true };
}

export async function removeChoice(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  questionId: number,
  choiceId: number,
): Promise<void> {
  authorizeSurveys(viewer);
  const { questions } = await editableSurvey(ctx, organisation, surveyId);
  const question = requireQuestion(questions, questionId);
  if (![...question.options, ...question.rows].some((c) => c.id === choiceId))
    throw new AppError('SURVEY_QUESTION_NOT_FOUND');
  await ctx.db.transaction().execute(async (tx) => {
    await deleteChoiceRow(tx, questionId, choiceId);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'survey.choice.remove',
      subjectType: 'survey',
      subjectId: surveyId,
      before: { questionId, choiceId },
    });
  });
}
