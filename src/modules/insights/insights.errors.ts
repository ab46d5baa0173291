import { defineErrors } from '../../platform/errors.ts';

/** Errors of the dashboard, the communication index and the transparency page. */
export const insightsErrors = defineErrors({
  INSIGHTS_PERIOD_INVALID: {
    status: 400,
    message:
      'The period is not valid: give `from` and `to` as dates (YYYY-MM-DD), `from` before `to`, at most 3 years apart.',
  },
  INSIGHTS_DEPARTMENT_FORBIDDEN: {
    status: 403,
    message: 'You may see the indicators of your own departments only.',
  },
  INSIGHTS_CRITERION_NOT_FOUND: {
    status: 404,
    message: 'There is no such criterion in this city’s communication index.',
  },
  INSIGHTS_CRITERION_INVALID: {
    status: 400,
    message: 'The criterion is not valid: check its weight, floor, target and source.',
  },
  INSIGHTS_SNAPSHOT_NOT_FOUND: {
    status: 404,
    message: 'There is no snapshot of the communication index for this period.',
  },
});
