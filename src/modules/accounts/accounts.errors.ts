import { defineErrors } from '../../platform/errors.ts';

export const accountErrors = defineErrors({
  INVALID_CREDENTIALS: { status: 401, message: 'The e-mail address or the password is not right.' },
  SIGN_IN_SLOWED: {
    status: 429,
    message: 'Too many wrong passwords. Please wait and try again, or reset your password.',
  },
  EMAIL_NOT_CONFIRMED: { status: 403, message: 'Confirm your e-mail address before signing in.' },
  WRONG_PASSWORD: { status: 403, message: 'The password is not right.' },
  USER_NOT_FOUND: { status: 404, message: 'There is no such user.' },
  BIRTH_YEAR_INVALID: {
    status: 400,
    message: 'The year of birth must be a year of four digits from 1880 to this year, or null to remove it.',
  },
});
