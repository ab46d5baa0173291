import { defineErrors } from '../../platform/errors.ts';

/** Errors of surveys, each with a stable code. */
export const surveyErrors = defineErrors({
  SURVEY_NOT_FOUND: { status: 404, message: 'There is no such survey in this city.' },
  SURVEY_QUESTION_NOT_FOUND: { status: 404, message: 'This survey has no such question or choice.' },
  SURVEY_NOT_OPEN_YET: { status: 409, message: 'This survey is not open yet.' },
  SURVEY_CLOSED: { status: 409, message: 'This survey is closed.' },
  SURVEY_ALREADY_ANSWERED: { status: 409, message: 'You have already answered this survey.' },
  SURVEY_EMAIL_NOT_CONFIRMED: { status: 403, message: 'Confirm your e-mail address to answer this survey.' },
  SURVEY_NOT_VERIFIED: { status: 403, message: 'Only verified residents may answer this survey.' },
  SURVEY_BIRTH_YEAR_MISSING: {
    status: 403,
    message: 'This survey is for an age group: give your year of birth in your account to answer it.',
  },
  SURVEY_NOT_ELIGIBLE: { status: 403, message: 'This survey is for other residents (age or district).' },
  SURVEY_RESULTS_NOT_PUBLIC: { status: 404, message: 'The results of this survey are not public.' },
  SURVEY_LOCKED: {
    status: 409,
    message: 'People have answered this survey: its questions and choices can no longer change.',
  },
});

export type SurveyErrorCode = keyof typeof surveyErrors;
