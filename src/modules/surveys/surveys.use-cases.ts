import { randomUUID } from 'node:crypto';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { dayIn } from '../../platform/i18n/days.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProcess, processEligibilityRule } from '../participation/index.ts';
import { checkEligibility, type EligibilityRule } from '../verification/index.ts';
import { readAnswers, type AnswerProblem, type RawAnswers } from './answers.ts';
import { computeResults, type SurveyResults } from './results.ts';
import type { SurveyErrorCode } from './surveys.errors.ts';
import { mayManageSurveys } from './surveys.policy.ts';
import {
  countResponses,
  findAnswers,
  findQuestions,
  findSurvey,
  findSurveys,
  hasAnswered,
  insertResponse,
  type Question,
  type StoredAnswer,
  type Survey,
} from './surveys.repository.ts';

/** Responses one person may send per hour across surveys (a public write). */
const RESPONSES_PER_HOUR = 30;

export type SurveyTime = 'upcoming' | 'open' | 'closed';

export function surveyTime(survey: Pick<Survey, 'opensAt' | 'closesAt'>, now = new Date()): SurveyTime {
  if (survey.opensAt && now < survey.opensAt) return 'upcoming';
  if (survey.closesAt && now >= survey.closesAt) return 'closed';
  return 'open';
}

/** A survey as a visitor may see it: published, or any survey for staff. */
export async function visibleSurvey(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<{ survey: Survey; questions: Question[] }> {
  const survey = await findSurvey(ctx.db, organisation.id, id);
  if (!survey || (!survey.published && !mayManageSurveys(viewer))) throw new AppError('SURVEY_NOT_FOUND');
  return { survey, questions: await findQuestions(ctx.db, survey.id) };
}

export async function listSurveys(ctx: AppContext, viewer: Viewer | null, organisation: Organisation) {
  return findSurveys(ctx.db, organisation.id, { publishedOnly: !mayManageSurveys(viewer) });
}

type Blocker =
  | Extract<
      SurveyErrorCode,
      | 'SURVEY_EMAIL_NOT_CONFIRMED'
      | 'SURVEY_NOT_VERIFIED'
      | 'SURVEY_BIRTH_YEAR_MISSING'
      | 'SURVEY_NOT_ELIGIBLE'
      | 'SURVEY_ALREADY_ANSWERED'
    >
  | 'AUTHENTICATION_REQUIRED'
  | 'SURVEY_NOT_OPEN_YET'
  | 'SURVEY_CLOSED';

/**
 * Why this viewer may not answer now, if anything: the dates, then the survey's level and, inside a
 * process, the process's rule (verification level, age, districts), then an earlier response.
 */
export async function answerBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  survey: Survey,
): Promise<Blocker | undefined> {
  const time = surveyTime(survey);
  if (time === 'upcoming') return 'SURVEY_NOT_OPEN_YET';
  if (time === 'closed') return 'SURVEY_CLOSED';
  if (!viewer) return 'AUTHENTICATION_REQUIRED';
  const rules: EligibilityRule[] = [{ level: survey.eligibilityLevel }];
  if (survey.processId !== null) {
    const process = await findProcess(ctx.db, organisation.id, survey.processId);
    if (process) rules.push(processEligibilityRule(process));
  }
  for (const rule of rules) {
    const result = await checkEligibility(ctx.db, organisation.id, viewer.id, rule);
    if (result.ok) continue;
    if (result.reason === 'not-signed-in') return 'AUTHENTICATION_REQUIRED';
    if (result.reason === 'email-not-confirmed') return 'SURVEY_EMAIL_NOT_CONFIRMED';
    if (result.reason === 'not-verified') return 'SURVEY_NOT_VERIFIED';
    if (result.missing === 'birth-year') return 'SURVEY_BIRTH_YEAR_MISSING';
    return 'SURVEY_NOT_ELIGIBLE';
  }
  if (await hasAnswered(ctx.db, survey.id, viewer.id)) return 'SURVEY_ALREADY_ANSWERED';
  return undefined;
}

export type AnswerOutcome =
  | { ok: true }
  | { ok: false; code: Blocker }
  | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, AnswerProblem> };

/**
 * An eligible resident answers a published, open survey once. Answers are checked on the server
 * (conditions included); an anonymous survey stores them without the person.
 */
export async function answerSurvey(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
  raw: RawAnswers,
): Promise<AnswerOutcome> {
  const survey = await findSurvey(ctx.db, organisation.id, surveyId);
  if (!survey || !survey.published) throw new AppError('SURVEY_NOT_FOUND');
  const blocker = await answerBlocker(ctx, viewer, organisation, survey);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  const questions = await findQuestions(ctx.db, survey.id);
  const read = readAnswers(questions, raw);
  if (!read.ok) return { ok: false, code: 'VALIDATION_FAILED', fields: read.problems };
  const limit = await consumeRateLimit(ctx.db, organisation.id, {
    key: `survey-response:user:${viewer.id}`,
    limit: RESPONSES_PER_HOUR,
    windowSeconds: 3600,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const stored = await ctx.db
    .transaction()
    .execute((tx) =>
      insertResponse(tx, survey, viewer.id, randomUUID(), dayIn(new Date(), organisation.timeZone), read.answers),
    );
  return stored ? { ok: true } : { ok: false, code: 'SURVEY_ALREADY_ANSWERED' };
}

export interface ResultsView {
  survey: Survey;
  questions: Question[];
  results: SurveyResults;
  /** Staff see free texts; the public sees counts only. */
  withTexts: boolean;
}

/** The results: for staff always (with free texts), for anyone when the survey publishes them. */
export async function surveyResults(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
): Promise<ResultsView> {
  const survey = await findSurvey(ctx.db, organisation.id, surveyId);
  const staff = mayManageSurveys(viewer);
  if (!survey || (!survey.published && !staff)) throw new AppError('SURVEY_NOT_FOUND');
  if (!staff && !survey.resultsPublic) throw new AppError('SURVEY_RESULTS_NOT_PUBLIC');
  const questions = await findQuestions(ctx.db, survey.id);
  const answers = await findAnswers(ctx.db, survey.id);
  const results = computeResults(questions, answers, await countResponses(ctx.db, survey.id));
  if (!staff) for (const q of results.questions) q.texts = [];
  return { survey, questions, results, withTexts: staff };
}

/** Every response with its answers, for the staff's CSV export. */
export async function exportResponses(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  surveyId: number,
): Promise<{ survey: Survey; questions: Question[]; answers: StoredAnswer[] }> {
  if (!mayManageSurveys(viewer)) throw new AppError(viewer ? 'FORBIDDEN' : 'AUTHENTICATION_REQUIRED');
  const survey = await findSurvey(ctx.db, organisation.id, surveyId);
  if (!survey) throw new AppError('SURVEY_NOT_FOUND');
  return { survey, questions: await findQuestions(ctx.db, survey.id), answers: await findAnswers(ctx.db, survey.id) };
}
