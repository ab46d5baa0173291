import { isEmail } from '../../platform/validation.ts';

/** Why a field is refused, as a code; the page shows the message `error.<code>`. */
export type FieldProblem =
  | 'EMAIL_INVALID'
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'NAME_REQUIRED'
  | 'NAME_TOO_LONG'
  | 'TERMS_REQUIRED'
  | 'BIRTH_YEAR_INVALID';

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

/** The earliest year of birth accepted (the census's limit too). */
export const EARLIEST_BIRTH_YEAR = 1880;

/**
 * A year of birth as a resident gives it: four digits, or a whole date (`1984-05-31`, `31/05/1984`,
 * `31.05.1984`) of which only the year is kept; empty means "remove it" (null). Undefined when it is none
 * of these, or before 1880, or in the future.
 */
export function readBirthYear(value: string | number | null, today = new Date()): number | null | undefined {
  if (value === null) return null;
  const text = String(value).trim();
  if (text === '') return null;
  const match =
    /^(\d{4})$/.exec(text) ?? /^(\d{4})-\d{1,2}-\d{1,2}$/.exec(text) ?? /^\d{1,2}[/.]\d{1,2}[/.](\d{4})$/.exec(text);
  const year = Number(match?.[1]);
  if (!match || year < EARLIEST_BIRTH_YEAR || year > today.getUTCFullYear()) return undefined;
  return year;
}
