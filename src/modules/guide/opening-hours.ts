/**
 * Opening hours are stored in OpenStreetMap's `opening_hours` syntax ("Mo-Fr 09:00-18:00; Sa 10:00-14:00").
 * They are meant to be evaluated with the kept `opening_hours` library (npm, 3.15.0), which is not installed
 * yet: until it is, the state is `unknown` and pages show the stored text as it is. `at` and `timeZone`
 * are what the evaluation will need (the library reads a Date's local fields, so the wall clock of the
 * city's time zone is passed as such a Date).
 */
export type OpeningState =
  | { kind: 'unknown' }
  | { kind: 'open'; closesAt: string | null }
  | { kind: 'closed'; opensAt: string | null; opensDay: string | null };

export function openingState(value: string | null, at: Date, timeZone: string): OpeningState {
  if (!value || !timeZone || Number.isNaN(at.getTime())) return { kind: 'unknown' };
  return { kind: 'unknown' };
}

/** A stored value: printable text of at most 255 characters, one line (checked before the library parses it). */
export function isStorableOpeningHours(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return value.length > 0 && value.length <= 255 && !/[\u0000-\u001f\u007f]/.test(value);
}
