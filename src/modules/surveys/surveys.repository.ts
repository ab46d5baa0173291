import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './surveys.schema.ts';
import type { QuestionKind } from './surveys.schema.ts';

export interface Survey {
  id: number;
  organisationId: number;
  processId: number | null;
  title: Translated;
  description: Translated;
  anonymous: boolean;
  resultsPublic: boolean;
  eligibilityLevel: 'email' | 'verified';
  published: boolean;
  opensAt: Date | null;
  closesAt: Date | null;
}

export interface Choice {
  id: number;
  position: number;
  label: Translated;
}

/** A question as stored: what staff set (`QuestionValues`, below) with its place and its choices. */
export interface Question extends QuestionValues {
  id: number;
  surveyId: number;
  position: number;
  options: Choice[];
  rows: Choice[];
}

function json(value: unknown): Translated {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Translated;
}

type SurveyRow = {
  id: number;
  organisation_id: number;
  process_id: number | null;
  title: unknown;
  description: unknown;
  anonymous: boolean;
  results_public: boolean;
  eligibility_level: 'email' | 'verified';
  published: boolean;
  opens_at: Date | null;
  closes_at: Date | null;
};

function toSurvey(row: SurveyRow): Survey {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    processId: row.process_id,
    title: json(row.title),
    description: json(row.description),
    anonymous: row.anonymous,
    resultsPublic: row.results_public,
    eligibilityLevel: row.eligibility_level,
    published: row.published,
    opensAt: row.opens_at,
    closesAt: row.closes_at,
  };
}

export async function findSurvey(db: Executor, organisationId: number, id: number): Promise<Survey | undefined> {
  const row = await db
    .selectFrom('surveys_survey')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSurvey(row) : undefined;
}

/** A city's surveys, newest first: every one for staff, the published ones (of a process, when given) otherwise. */
export async function findSurveys(
  db: Executor,
  organisationId: number,
  options: { publishedOnly: boolean; processId?: number },
): Promise<Survey[]> {
  let query = db.selectFrom('surveys_survey').selectAll().where('organisation_id', '=', organisationId);
  if (options.publishedOnly) query = query.where('published', '=', true);
  if (options.processId !== undefined) query = query.where('process_id', '=', options.processId);
  const rows = await query.orderBy('id', 'desc').limit(200).execute();
  return rows.map(toSurvey);
}

export interface SurveyValues {
  processId: number | null;
  title: Translated;
  description: Translated;
  anonymous: boolean;
  resultsPublic: boolean;
  eligibilityLevel: 'email' | 'verified';
  published: boolean;
  opensAt: Date | null;
  closesAt: Date | null;
}

function surveyColumns(values: SurveyValues) {
  return {
    process_id: values.processId,
    title: JSON.stringify(values.title),
    description: JSON.stringify(values.description),
    anonymous: values.anonymous,
    results_public: values.resultsPublic,
    eligibility_level: values.eligibilityLevel,
    published: values.published,
    opens_at: values.opensAt,
    closes_at: values.closesAt,
  };
}

export async function insertSurvey(db: Executor, organisationId: number, values: SurveyValues): Promise<number> {
  const row = await db
    .insertInto('surveys_survey')
    .values({ organisation_id: organisationId, ...surveyColumns(values), updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateSurveyRow(db: Executor, id: number, values: SurveyValues): Promise<void> {
  await db
    .updateTable('surveys_survey')
    .set({ ...surveyColumns(values), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Whether anyone has answered (the questions are then locked). */
export async function countResponses(db: Executor, surveyId: number): Promise<number> {
  const row = await db
    .selectFrom('surveys_response')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('survey_id', '=', surveyId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The questions of a survey in order, each with its options and matrix rows. */
export async function findQuestions(db: Executor, surveyId: number): Promise<Question[]> {
  const rows = await db
    .selectFrom('surveys_question')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const choices = await db
    .selectFrom('surveys_choice')
    .selectAll()
    .where(
      'question_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const own = choices.filter((c) => c.question_id === row.id);
    const toChoice = (c: (typeof own)[number]): Choice => ({
      id: c.id,
      position: c.position,
      label: json(c.label),
    });
    return {
      id: row.id,
      surveyId: row.survey_id,
      position: row.position,
      kind: row.kind,
      title: json(row.title),
      description: json(row.description),
      required: row.required,
      minChoices: row.min_choices,
      maxChoices: row.max_choices,
      minValue: row.min_value,
      maxValue: row.max_value,
      conditionQuestionId: row.condition_question_id,
      conditionChoiceId: row.condition_choice_id,
      options: own.filter((c) => c.role === 'option').map(toChoice),
      rows: own.filter((c) => c.role === 'row').map(toChoice),
    };
  });
}

export interface QuestionValues {
  kind: QuestionKind;
  title: Translated;
  description: Translated;
  required: boolean;
  minChoices: number | null;
  maxChoices: number | null;
  minValue: number | null;
  maxValue: number | null;
  conditionQuestionId: number | null;
  conditionChoiceId: number | null;
}

function questionColumns(values: QuestionValues) {
  return {
    kind: values.kind,
    title: JSON.stringify(values.title),
    description: JSON.stringify(values.description),
    required: values.required,
    min_choices: values.minChoices,
    max_choices: values.maxChoices,
    min_value: values.minValue,
    max_value: values.maxValue,
    condition_question_id: values.conditionQuestionId,
    condition_choice_id: values.conditionChoiceId,
  };
}

/** Adds a question at the end of the survey. */
export async function insertQuestion(
  db: Executor,
  organisationId: number,
  surveyId: number,
  values: QuestionValues,
): Promise<number> {
  const row = await db
    .insertInto('surveys_question')
    .values({
      organisation_id: organisationId,
      survey_id: surveyId,
      position: sql<number>`(select coalesce(max(position), 0) + 1 from surveys_question where survey_id = ${surveyId})`,
      ...questionColumns(values),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateQuestionRow(db: Executor, questionId: number, values: QuestionValues): Promise<void> {
  await db.updateTable('surveys_question').set(questionColumns(values)).where('id', '=', questionId).execute();
}

export async function deleteQuestionRow(db: Executor, questionId: number): Promise<void> {
  await db.deleteFrom('surveys_question').where('id', '=', questionId).execute();
}

/** Stores the questions' order as given (positions 1, 2, …). */
export async function setQuestionPositions(db: Executor, surveyId: number, ids: number[]): Promise<void> {
  for (const [index, id] of ids.entries())
    await db
      .updateTable('surveys_question')
      .set({ position: index + 1 })
      .where('id', '=', id)
      .where('survey_id', '=', surveyId)
      .execute();
}

export async function insertChoice(
  db: Executor,
  organisationId: number,
  questionId: number,
  role: 'option' | 'row',
  label: Translated,
): Promise<number> {
  const row = await db
    .insertInto('surveys_choice')
    .values({
      organisation_id: organisationId,
      question_id: questionId,
      role,
      label: JSON.stringify(label),
      position: sql<number>`(select coalesce(max(position), 0) + 1 from surveys_choice where question_id = ${questionId} and role = ${role})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateChoiceLabel(
  db: Executor,
  questionId: number,
  choiceId: number,
  label: Translated,
): Promise<void> {
  await db
    .updateTable('surveys_choice')
    .set({ label: JSON.stringify(label) })
    .where('id', '=', choiceId)
    .where('question_id', '=', questionId)
    .execute();
}

export async function deleteChoiceRow(db: Executor, questionId: number, choiceId: number): Promise<void> {
  await db.deleteFrom('surveys_choice').where('id', '=', choiceId).where('question_id', '=', questionId).execute();
  // a condition on the removed option no longer holds: the question it guarded is shown to everyone
  await db
    .updateTable('surveys_question')
    .set({ condition_question_id: null, condition_choice_id: null })
    .where('condition_choice_id', '=', choiceId)
    .execute();
}

export async function hasAnswered(db: Executor, surveyId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('surveys_participant')
    .select('user_id')
    .where('survey_id', '=', surveyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export interface AnswerValues {
  questionId: number;
  choiceId?: number | null;
  rowId?: number | null;
  rank?: number | null;
  text?: string | null;
  number?: number | null;
  date?: string | null;
}

/**
 * Stores one person's response: the "has answered" row first (its primary key refuses a second
 * response), then the response — without the person when the survey is anonymous — and its answers.
 * Answers false when the person had already answered. Call it inside a transaction.
 */
export async function insertResponse(
  tx: Executor,
  survey: Pick<Survey, 'id' | 'organisationId' | 'anonymous'>,
  userId: number,
  responseId: string,
  day: string,
  answers: AnswerValues[],
): Promise<boolean> {
  const participant = await tx
    .insertInto('surveys_participant')
    .values({ organisation_id: survey.organisationId, survey_id: survey.id, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (!participant) return false;
  await tx
    .insertInto('surveys_response')
    .values({
      id: responseId,
      organisation_id: survey.organisationId,
      survey_id: survey.id,
      user_id: survey.anonymous ? null : userId,
      answered_on: day,
    })
    .execute();
  if (answers.length > 0)
    await tx
      .insertInto('surveys_answer')
      .values(
        answers.map((a) => ({
          organisation_id: survey.organisationId,
          response_id: responseId,
          question_id: a.questionId,
          choice_id: a.choiceId ?? null,
          row_id: a.rowId ?? null,
          rank: a.rank ?? null,
          text_value: a.text ?? null,
          number_value: a.number ?? null,
          date_value: a.date ?? null,
        })),
      )
      .execute();
  return true;
}

export interface StoredAnswer {
  responseId: string;
  userId: number | null;
  questionId: number;
  choiceId: number | null;
  rowId: number | null;
  rank: number | null;
  text: string | null;
  number: number | null;
  date: string | null;
}

/** Every answer of a survey, with the response it belongs to (for results and the export). */
export async function findAnswers(db: Executor, surveyId: number): Promise<StoredAnswer[]> {
  const rows = await db
    .selectFrom('surveys_answer as a')
    .innerJoin('surveys_response as r', 'r.id', 'a.response_id')
    .select([
      'a.response_id',
      'r.user_id',
      'a.question_id',
      'a.choice_id',
      'a.row_id',
      'a.rank',
      'a.text_value',
      'a.number_value',
      sql<string | null>`to_char(a.date_value, 'YYYY-MM-DD')`.as('date_text'),
    ])
    .where('r.survey_id', '=', surveyId)
    .orderBy('a.response_id')
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    responseId: r.response_id,
    userId: r.user_id,
    questionId: r.question_id,
    choiceId: r.choice_id,
    rowId: r.row_id,
    rank: r.rank,
    text: r.text_value,
    number: r.number_value,
    date: r.date_text,
  }));
}

/** The responses of a survey (ids only, in the stored order of their random ids). */
export async function findResponseIds(db: Executor, surveyId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('surveys_response')
    .select('id')
    .where('survey_id', '=', surveyId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Personal data: the surveys a person answered, and their named responses. */
export async function findParticipation(db: Executor, userId: number) {
  const answered = await db
    .selectFrom('surveys_participant')
    .select('survey_id')
    .where('user_id', '=', userId)
    .execute();
  const named = await db
    .selectFrom('surveys_response')
    .select(['id', 'survey_id', sql<string>`to_char(answered_on, 'YYYY-MM-DD')`.as('day')])
    .where('user_id', '=', userId)
    .execute();
  return { answered: answered.map((r) => r.survey_id), namedResponses: named };
}

/** Account deletion: named responses are kept without the person (results do not change). */
export async function forgetPerson(db: Executor, userId: number): Promise<void> {
  await db.updateTable('surveys_response').set({ user_id: null }).where('user_id', '=', userId).execute();
  await db.deleteFrom('surveys_participant').where('user_id', '=', userId).execute();
}
