import { defineErrors } from '../../platform/errors.ts';

/** Errors of the legal texts; pages explain them through `legal.error.<CODE>`. */
export const legalErrors = defineErrors({
  LEGAL_ACCEPTANCE_REQUIRED: {
    status: 403,
    message:
      'The city has published a new code of conduct or privacy notice: accept it (GET /legal/accept in a browser) before taking part again.',
  },
  LEGAL_TEXT_NOT_FOUND: { status: 404, message: 'There is no such legal text.' },
});
