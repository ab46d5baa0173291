import { defineErrors } from '../../platform/errors.ts';

/** Errors of opinion maps, each with a stable code. */
export const opinionMapErrors = defineErrors({
  OPINION_MAP_NOT_FOUND: { status: 404, message: 'There is no such opinion map in this city.' },
  OPINION_MAP_CLOSED: { status: 409, message: 'This opinion map does not take statements or votes now.' },
  OPINION_MAP_STATEMENT_NOT_FOUND: { status: 404, message: 'This opinion map has no such statement to vote on.' },
  OPINION_MAP_STATEMENT_INVALID: {
    status: 422,
    message: 'A statement is one short sentence of 5 to 280 characters.',
  },
  OPINION_MAP_QUESTION_INVALID: { status: 422, message: 'The question must be 5 to 300 characters long.' },
  OPINION_MAP_PROCESS_NOT_FOUND: { status: 422, message: 'There is no such participatory process in this city.' },
  OPINION_MAP_EMAIL_NOT_CONFIRMED: {
    status: 403,
    message: 'Confirm your e-mail address to take part in this opinion map.',
  },
  OPINION_MAP_NOT_VERIFIED: {
    status: 403,
    message: 'This process asks for a verified resident: verify your residence to take part.',
  },
  OPINION_MAP_NOT_ELIGIBLE: {
    status: 403,
    message: 'This process is open to other residents (by age or district).',
  },
});
export type OpinionMapErrorCode = keyof typeof opinionMapErrors;
