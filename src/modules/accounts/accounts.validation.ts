import type { MessageKey } from '../../platform/i18n/translate.ts';
import { isEmail } from '../../platform/validation.ts';

/** Field errors as message keys, by field name. */
export type FieldErrors = Record<string, MessageKey>;

export function checkEmail(email: string, errors: FieldErrors, field = 'email'): void {
  if (!isEmail(email)) errors[field] = 'error.EMAIL_INVALID';
}

export function checkPassword(password: string, errors: FieldErrors, field = 'password'): void {
  if (password.length < 10) errors[field] = 'error.PASSWORD_TOO_SHORT';
  else if (password.length > 200) errors[field] = 'error.PASSWORD_TOO_LONG';
}

export function checkDisplayName(name: string, errors: FieldErrors, field = 'displayName'): void {
  if (!name.trim()) errors[field] = 'error.NAME_REQUIRED';
  else if (name.length > 80) errors[field] = 'error.NAME_TOO_LONG';
}
