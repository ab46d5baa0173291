import OpeningHours from 'opening_hours';

/**
 * Opening hours are stored in OpenStreetMap's `opening_hours` syntax ("Mo-Fr 09:00-18:00; Sa 10:00-14:00") and
 * evaluated with the kept `opening_hours` library. The library reads a Date's local fields, so the wall clock of
 * the city's time zone is handed to it as such a Date, and its answer read back the same way.
 */
export type OpeningState =
  | { kind: 'unknown' }
  | { kind: 'open'; closesAt: string | null }
  | { kind: 'closed'; opensAt: string | null; opensDay: string | null };

/** The wall clock of `timeZone` at `at`, as a Date whose local fields show it. */
function wallClock(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return new Date(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

const hhmm = (date: Date) =>
  `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
const isoDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/**
 * Whether the place is open at `at` in the city's time zone, and when that changes: "open, until 18:00" (today),
 * "closed, opens at 14:00" (today); a change on another day gives its date (`opensDay`, YYYY-MM-DD) with the time.
 * Hours the library cannot read, or that depend on what it does not know (holidays without a country), are
 * `unknown`: the page then shows the stored text as it is.
 */
export function openingState(value: string | null, at: Date, timeZone: string): OpeningState {
  if (!value || !timeZone || Number.isNaN(at.getTime())) return { kind: 'unknown' };
  try {
    const hours = new OpeningHours(value, null, 0);
    const now = wallClock(at, timeZone);
    const unknown = hours.getUnknown(now);
    if (unknown) return { kind: 'unknown' };
    const open = hours.getState(now);
    const change = hours.getNextChange(now);
    const sameDay = change !== undefined && isoDay(change) === isoDay(now);
    if (open) return { kind: 'open', closesAt: change && sameDay ? hhmm(change) : null };
    if (!change) return { kind: 'closed', opensAt: null, opensDay: null };
    return { kind: 'closed', opensAt: sameDay ? hhmm(change) : null, opensDay: sameDay ? null : isoDay(change) };
  } catch {
    return { kind: 'unknown' };
  }
}

/** A stored value: printable text of at most 255 characters, one line (checked before the library parses it). */
export function isStorableOpeningHours(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return value.length > 0 && value.length <= 255 && !/[\u0000-\u001f\u007f]/.test(value);
}
