import { isEmail } from '../../platform/validation.ts';

/** Why a field is refused, as a code; the page shows the message `error.<code>`. */
export type FieldProblem =
  'EMAIL_INVALID' | 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | 'NAME_REQUIRED' | 'NAME_TOO_LONG' | 'TERMS_REQUIRED';

/** Field problems by field name. */
export type FieldErrors = Record<string, FieldProblem>;

export function checkEmail(email: string, errors: FieldErrors, field = 'email'): void {
  if (!isEmail(email)) errors[field] = 'EMAIL_INVALID';
}

export function checkPassword(password: string, errors: FieldErrors, field = 'password'): void {
  if (password.length < 10) errors[field] = 'PASSWORD_TOO_SHORT';
  else if (password.length > 200) errors[field] = 'PASSWORD_TOO_LONG';
}

export function checkDisplayName(name: string, errors: FieldErrors, field = 'displayName'): void {
  if (!name.trim()) errors[field] = 'NAME_REQUIRED';
  else if (name.length > 80) errors[field] = 'NAME_TOO_LONG';
}
