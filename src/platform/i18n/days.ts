/**
 * Calendar days in a city's time zone, for periods given by staff as a first and a last day (phases
 * of budgets and participatory processes). A period is stored as two instants: when its first day
 * starts and when the day after its last day starts (exclusive), both in the city's time zone, so that
 * "until 31 March" in Rome means until midnight in Rome, and the last day shown is the day before the
 * stored end.
 */

import { dateFormat } from './format.ts';

const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The wall clock of a time zone at an instant, each part as the clock shows it ("2026", "03", "31", "18", "05", "09"). */
export interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** What the wall clock of `timeZone` shows at `at`. */
export function wallClockAt(at: Date | number, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    dateFormat('en-US', {
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
  ) as Record<string, string>;
  return {
    year: parts.year ?? '',
    month: parts.month ?? '',
    day: parts.day ?? '',
    hour: parts.hour ?? '',
    minute: parts.minute ?? '',
    second: parts.second ?? '',
  };
}

/** How far ahead of UTC the wall clock of `timeZone` is at `at` (milliseconds). */
export function offsetAt(at: number, timeZone: string): number {
  const clock = wallClockAt(at, timeZone);
  const wall = Date.UTC(
    Number(clock.year),
    Number(clock.month) - 1,
    Number(clock.day),
    Number(clock.hour),
    Number(clock.minute),
    Number(clock.second),
  );
  return wall - (at - (at % 1000));
}

/** The instant a wall-clock time (milliseconds as if it were UTC) stands for in a time zone. */
function instantOfWall(wall: number, timeZone: string): Date {
  // Two passes: the offset at the first guess may differ from the offset at the answer (a change of clocks).
  const guess = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(guess, timeZone));
}

/**
 * The instant a wall-clock date and time in a time zone stands for ("2026-12-03", "18:30" in
 * Europe/Rome); invalid text gives an invalid date, reported by validation.
 */
export function zonedTime(day: string, time: string, timeZone: string): Date {
  const d = DAY_TEXT.exec(day.trim());
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(time.trim());
  if (!d || !t || Number(t[1]) > 23 || Number(t[2]) > 59) return new Date(Number.NaN);
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (new Date(wall).getUTCDate() !== Number(d[3])) return new Date(Number.NaN);
  return instantOfWall(wall, timeZone);
}

/** The instant a day ("2026-03-31") starts in a time zone; an invalid date for text that is not a real day. */
export function startOfDay(day: string, timeZone: string): Date {
  const match = DAY_TEXT.exec(day.trim());
  if (!match) return new Date(Number.NaN);
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(match[3]) || check.getUTCMonth() !== Number(match[2]) - 1)
    return new Date(Number.NaN);
  return instantOfWall(wall, timeZone);
}

/** The day after a day ("2026-03-31" → "2026-04-01"); text that is not a day is returned as it is. */
export function nextDay(day: string): string {
  const match = DAY_TEXT.exec(day.trim());
  if (!match) return day;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1)).toISOString().slice(0, 10);
}

/** The day ("YYYY-MM-DD") an instant falls on in a time zone. */
export function dayIn(date: Date, timeZone: string): string {
  const clock = wallClockAt(date, timeZone);
  return `${clock.year.padStart(4, '0')}-${clock.month}-${clock.day}`;
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
