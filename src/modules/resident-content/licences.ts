/**
 * What an author may grant: a Creative Commons licence (the post may then be reused by anyone under its
 * terms, with attribution) or only its display on the city's site. Periods are months from the consent;
 * `null` means until withdrawn.
 */
export const LICENCES = ['cc-by-4.0', 'cc-by-sa-4.0', 'city-site-only'] as const;
export type Licence = (typeof LICENCES)[number];

export const LICENCE_URLS: Record<Licence, string | null> = {
  'cc-by-4.0': 'https://creativecommons.org/licenses/by/4.0/',
  'cc-by-sa-4.0': 'https://creativecommons.org/licenses/by-sa/4.0/',
  'city-site-only': null,
};

export const PERIODS = [3, 12, 24, 0] as const;

export function isLicence(value: unknown): value is Licence {
  return typeof value === 'string' && (LICENCES as readonly string[]).includes(value);
}

/** A period in months, 0 meaning until withdrawn; undefined when not offered. */
export function periodOf(value: unknown): number | undefined {
  const months = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return (PERIODS as readonly number[]).includes(months) ? months : undefined;
}

/** The end of a consent given now for a number of months (0: none). */
export function validUntil(now: Date, months: number): Date | null {
  if (months === 0) return null;
  const end = new Date(now);
  end.setUTCMonth(end.getUTCMonth() + months);
  return end;
}
