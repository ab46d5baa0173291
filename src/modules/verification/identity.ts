import { hmac } from '../../platform/auth/tokens.ts';

/**
 * A document number as residents type it and as registries print it: case, spaces, dots, dashes and
 * slashes do not matter ("ab 123-456" and "AB123456" are the same document).
 */
export function normaliseDocumentNumber(text: string): string {
  return text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s.\-/]/g, '');
}

/** A valid document number after normalisation: 4 to 32 letters and digits. */
export function isDocumentNumber(normalised: string): boolean {
  return /^[A-Z0-9]{4,32}$/.test(normalised);
}

/**
 * A birth date as `YYYY-MM-DD`, also accepting `DD/MM/YYYY` and `DD.MM.YYYY` as census files often have;
 * undefined when it is not a real date between 1880 and today.
 */
export function normaliseBirthDate(text: string, today = new Date()): string | undefined {
  const trimmed = text.trim();
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  let year: number;
  let month: number;
  let day: number;
  if (match) [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(trimmed);
    if (!match) return undefined;
    [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (year < 1880 || date.getTime() > today.getTime()) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The keyed hash that stands for a person: HMAC-SHA256 with the server's secret key over the city, the
 * normalised document number and the birth date. Without the key a leaked table cannot be matched
 * against a list of document numbers. Changing SECRET_KEY means importing the census again.
 */
export function identityHash(
  secretKey: string,
  organisationId: number,
  documentNumber: string,
  birthDate: string,
): string {
  return hmac(secretKey, `census:v1:${organisationId}:${documentNumber}:${birthDate}`);
}
