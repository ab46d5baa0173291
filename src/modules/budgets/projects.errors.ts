import { defineErrors } from '../../platform/errors.ts';

/**
 * Errors of residents' projects and supports, each with a stable code; pages explain each through
 * `budgets.error.<CODE>`. A refused proposal or support stores nothing.
 */
export const projectErrors = defineErrors({
  BUDGET_PROPOSING_CLOSED: { status: 409, message: 'This budget does not take project proposals now.' },
  BUDGET_SUPPORTING_CLOSED: { status: 409, message: 'Projects of this budget cannot be supported now.' },
  BUDGET_PROJECT_UNKNOWN_HEADING: { status: 422, message: 'This budget has no such heading.' },
  BUDGET_PROJECT_INVALID_COST: {
    status: 422,
    message: 'The estimated cost must be a whole amount above zero and at most the amount of the heading.',
  },
  BUDGET_PROJECT_INVALID: { status: 400, message: 'The project is not valid: see the fields in error.' },
  BUDGET_PROJECT_NOT_YOURS: { status: 403, message: 'Only the author can change or withdraw this project.' },
  BUDGET_PROJECT_NOT_EDITABLE: { status: 409, message: 'This project can no longer be changed.' },
  BUDGET_PROJECT_NOT_SUPPORTABLE: { status: 409, message: 'This project does not take supports.' },
  BUDGET_SUPPORT_LIMIT: {
    status: 409,
    message: 'You have used all your supports in this heading; withdraw one first.',
  },
  BUDGET_EMAIL_NOT_CONFIRMED: { status: 403, message: 'Confirm your e-mail address to take part in this budget.' },
  BUDGET_NOT_VERIFIED: {
    status: 403,
    message: 'Only verified residents may take part in this budget. Verify your account first.',
  },
  BUDGET_BIRTH_YEAR_MISSING: {
    status: 403,
    message:
      'This budget is for an age group: tell us your year of birth (in your account, or through PUT /api/v1/me/birth-year) to take part.',
  },
  BUDGET_AGE_NOT_ELIGIBLE: { status: 403, message: 'Your age does not allow you to take part in this budget.' },
  BUDGET_DISTRICT_NOT_ELIGIBLE: {
    status: 403,
    message: 'Only residents of this district may take part in its heading.',
  },
  BUDGET_PRESELECTION_CLOSED: { status: 409, message: 'Voting has started: the pre-selection can no longer change.' },
});

export type ProjectErrorCode = keyof typeof projectErrors;
