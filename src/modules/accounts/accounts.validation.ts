import type { MessageKey } from '../../platform/i18n/translate.ts';
import { formText } from '../../platform/web/forms.ts';
export { formText };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** Field errors as message keys, by field name. */
export type FieldErrors = Record<string, MessageKey>;

export function checkEmail(email: string, errors: FieldErrors, field = 'email'): void {
  if (!EMAIL.test(email) || email.length > 254) errors[field] = 'error.EMAIL_INVALID';
}

export function checkPassword(password: string, errors: FieldErrors, field = 'password'): void {
  if (password.length < 10) errors[field] = 'error.PASSWORD_TOO_SHORT';
  else if (password.length > 200) errors[field] = 'error.PASSWORD_TOO_LONG';
}

export function checkDisplayName(name: string, errors: FieldErrors, field = 'displayName'): void {
  if (!name.trim()) errors[field] = 'error.NAME_REQUIRED';
  else if (name.length > 80) errors[field] = 'error.NAME_TOO_LONG';
}
