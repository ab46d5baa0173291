import { defineErrors } from '../../platform/errors.ts';

/** Errors of verification; pages show them through the `error.<CODE>` message keys when present. */
export const verificationErrors = defineErrors({
  VERIFICATION_NO_MATCH: {
    status: 422,
    message: 'No resident with this document number and birth date is on the census.',
  },
  VERIFICATION_IDENTITY_IN_USE: { status: 409, message: 'This identity already backs another account.' },
  VERIFICATION_ALREADY_VERIFIED: { status: 409, message: 'This account is already verified.' },
  VERIFICATION_INVALID_INPUT: { status: 400, message: 'The document number or birth date is not valid.' },
  VERIFICATION_USER_NOT_FOUND: { status: 404, message: 'There is no account with this e-mail address in this city.' },
  VERIFICATION_UNKNOWN_DISTRICT: { status: 422, message: 'There is no district with this code in this city.' },
});
