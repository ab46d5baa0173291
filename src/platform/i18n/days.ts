/**
 * Calendar days in a city's time zone, for periods given by staff as a first and a last day (phases
 * of budgets and participatory processes). A period is stored as two instants: when its first day
 * starts and when the day after its last day starts (exclusive), both in the city's time zone, so that
 * "until 31 March" in Rome means until midnight in Rome, and the last day shown is the day before the
 * stored end.
 */

const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How far ahead of UTC the wall clock of `timeZone` is at `at` (milliseconds). */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - (at - (at % 1000));
}

/** The instant a day ("2026-03-31") starts in a time zone; an invalid date for text that is not a real day. */
export function startOfDay(day: string, timeZone: string): Date {
  const match = DAY_TEXT.exec(day.trim());
  if (!match) return new Date(Number.NaN);
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(match[3]) || check.getUTCMonth() !== Number(match[2]) - 1)
    return new Date(Number.NaN);
  // Two passes: the offset at the first guess may differ from the offset at the answer (a change of
  // clocks near midnight).
  const guess = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(guess, timeZone));
}

/** The day after a day ("2026-03-31" → "2026-04-01"); text that is not a day is returned as it is. */
export function nextDay(day: string): string {
  const match = DAY_TEXT.exec(day.trim());
  if (!match) return day;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1)).toISOString().slice(0, 10);
}

/** The day ("YYYY-MM-DD") an instant falls on in a time zone. */
export function dayIn(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${String(parts.year).padStart(4, '0')}-${parts.month}-${parts.day}`;
}

/** The last moment of a period that ends (exclusively) at `end`: on its last day, wherever it is read. */
export function lastMoment(end: Date): Date {
  return new Date(end.getTime() - 1);
}

/** The instant a period given by its last day ends: when the next day starts in the time zone. */
export function endOfLastDay(lastDay: string, timeZone: string): Date {
  const start = startOfDay(lastDay, timeZone);
  return Number.isNaN(start.getTime()) ? start : startOfDay(nextDay(lastDay), timeZone);
}
