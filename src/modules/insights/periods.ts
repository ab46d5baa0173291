// Periods in the city's calendar: days as YYYY-MM-DD, a period [from, to] with `to` included, the period
// of the same length before it, and months or quarters for the index's snapshots.

import type { PeriodKind } from './insights.schema.ts';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const MAX_PERIOD_DAYS = 3 * 366;

export function isDay(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  const year = Number(match[1]);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && year >= 1970 && year <= 9000;
}

export function addDays(day: string, days: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / DAY_MS);
}

/** Today in the time zone. */
export function today(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The instant a day begins in the time zone. */
export function startOfDay(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
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
      .formatToParts(guess)
      .map((part) => [part.type, part.value]),
  );
  const shown = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return new Date(guess.getTime() - (shown - guess.getTime()));
}

export interface Period {
  /** First day included. */
  from: string;
  /** Last day included. */
  to: string;
  previousFrom: string;
  previousTo: string;
}

/** The period [from, to] and the one of the same length just before it. */
export function periodOf(from: string, to: string): Period {
  const length = daysBetween(from, to) + 1;
  return { from, to, previousFrom: addDays(from, -length), previousTo: addDays(from, -1) };
}

/** The month or quarter holding `day`: its key (2026-11, 2026-Q4), first and last day. */
export function calendarPeriod(kind: PeriodKind, day: string): { key: string; from: string; to: string } {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const firstMonth = kind === 'month' ? month : Math.floor((month - 1) / 3) * 3 + 1;
  const months = kind === 'month' ? 1 : 3;
  const from = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  const nextYear = firstMonth + months > 12 ? year + 1 : year;
  const nextMonth = ((firstMonth + months - 1) % 12) + 1;
  const to = addDays(`${nextYear}-${String(nextMonth).padStart(2, '0')}-01`, -1);
  const key = kind === 'month' ? from.slice(0, 7) : `${year}-Q${(firstMonth - 1) / 3 + 1}`;
  return { key, from, to };
}

/** The period before the one holding `day`. */
export function previousCalendarPeriod(kind: PeriodKind, day: string) {
  return calendarPeriod(kind, addDays(calendarPeriod(kind, day).from, -1));
}

/** A period key (2026-11 or 2026-Q4) read back, or undefined. */
export function parsePeriodKey(key: string): { kind: PeriodKind; key: string; from: string; to: string } | undefined {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (month) return { kind: 'month', ...calendarPeriod('month', `${key}-01`) };
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) {
    const first = (Number(quarter[2]) - 1) * 3 + 1;
    return { kind: 'quarter', ...calendarPeriod('quarter', `${quarter[1]}-${String(first).padStart(2, '0')}-01`) };
  }
  return undefined;
}
