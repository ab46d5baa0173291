import { defineErrors } from '../../platform/errors.ts';

/**
 * Errors of participatory budgets, each with a stable code. Every rule of a ballot is checked on the
 * server and a ballot that breaks one is refused whole: nothing is stored.
 */
export const budgetErrors = defineErrors({
  BUDGET_NOT_FOUND: { status: 404, message: 'There is no such participatory budget in this city.' },
  BUDGET_HEADING_NOT_FOUND: { status: 404, message: 'This budget has no such heading.' },
  BUDGET_PROJECT_NOT_FOUND: { status: 404, message: 'This budget has no such project.' },
  BALLOT_OUTSIDE_PHASE: { status: 409, message: 'Voting is not open for this budget now.' },
  BALLOT_WRONG_FORMAT: {
    status: 400,
    message: 'This budget takes a list of projects ("projects") or votes per project ("votes"), not the other.',
  },
  BALLOT_DUPLICATE_PROJECT: { status: 400, message: 'A project appears twice in the ballot.' },
  BALLOT_UNKNOWN_PROJECT: { status: 422, message: 'The ballot names a project this budget does not have.' },
  BALLOT_PROJECT_OF_OTHER_HEADING: { status: 422, message: 'The ballot names a project of another heading.' },
  BALLOT_PROJECT_NOT_ON_BALLOT: { status: 422, message: 'The ballot names a project that is not up for the vote.' },
  BALLOT_TOO_MANY_PROJECTS: { status: 422, message: 'The ballot chooses more projects than allowed.' },
  BALLOT_TOO_MANY_VOTES: { status: 422, message: 'The ballot gives more votes than the voter has.' },
  BALLOT_TOO_MANY_VOTES_ON_PROJECT: { status: 422, message: 'The ballot gives one project more votes than allowed.' },
  BALLOT_OVER_AMOUNT: { status: 422, message: 'The chosen projects cost more than the amount of this heading.' },
  BALLOT_UNDER_MINIMUM: {
    status: 422,
    message: 'The chosen projects must spend at least the minimum share of this heading.',
  },
  BALLOT_SECOND_DISTRICT_HEADING: {
    status: 409,
    message: 'You already voted in another district heading of this budget; withdraw that ballot first.',
  },
  BALLOT_DISTRICT_NOT_YOURS: { status: 403, message: 'Only residents of this district may vote in its heading.' },
  BALLOT_NOT_SIGNED_IN: { status: 401, message: 'Sign in to vote.' },
  BALLOT_EMAIL_NOT_CONFIRMED: { status: 403, message: 'Confirm your e-mail address to vote.' },
  BALLOT_NOT_VERIFIED: {
    status: 403,
    message: 'Only verified residents may vote in this budget. Verify your account first.',
  },
  BALLOT_BIRTH_YEAR_MISSING: {
    status: 403,
    message:
      'This budget is for an age group: tell us your year of birth (in your account, or through PUT /api/v1/me/birth-year) to vote.',
  },
  BALLOT_AGE_NOT_ELIGIBLE: { status: 403, message: 'Your age does not allow you to vote in this budget.' },
  BALLOT_DISTRICT_NOT_ELIGIBLE: { status: 403, message: 'Your district does not allow you to vote in this budget.' },
  BUDGET_RESULTS_NOT_PUBLISHED: { status: 404, message: 'The results of this budget are not published yet.' },
  BUDGET_RESULTS_VOTING_OPEN: {
    status: 409,
    message: 'Voting is still open: the results can be published once it is over.',
  },
  BUDGET_RESULTS_BEFORE_VOTING: {
    status: 409,
    message: 'Voting has not taken place yet: the results can be published once it is over.',
  },
  BUDGET_RESULTS_REPUBLISH_UNCONFIRMED: {
    status: 409,
    message:
      'The results are already published. Publishing again replaces them: check what changed and confirm (API: republish=true).',
  },
  BUDGET_INVALID: { status: 400, message: 'The budget settings are not valid.' },
});

/** The error codes a ballot can be refused with; pages explain each through `budgets.error.<CODE>`. */
export type BallotErrorCode = keyof typeof budgetErrors & `BALLOT_${string}`;
