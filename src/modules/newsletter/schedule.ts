import { dayIn, zonedTime } from '../../platform/i18n/days.ts';
import type { Frequency } from './newsletter.schema.ts';

export interface Schedule {
  frequency: Frequency;
  /** ISO weekday, 1 Monday … 7 Sunday (weekly only). */
  weekday: number;
  hour: number;
}

function shiftDay(day: string, by: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + by)).toISOString().slice(0, 10);
}

function isoWeekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const weekday = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

function slotOn(schedule: Schedule, day: string, timeZone: string): Date | undefined {
  if (schedule.frequency === 'weekly' && isoWeekday(day) !== schedule.weekday) return undefined;
  const at = zonedTime(day, `${String(schedule.hour).padStart(2, '0')}:00`, timeZone);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** The last moment the schedule named at or before `now`, in the city's time zone (its clock changes included). */
export function lastSlot(schedule: Schedule, now: Date, timeZone: string): Date {
  let day = dayIn(now, timeZone);
  for (let i = 0; i < 9; i++, day = shiftDay(day, -1)) {
    const at = slotOn(schedule, day, timeZone);
    if (at && at.getTime() <= now.getTime()) return at;
  }
  throw new Error('no digest slot in the last 9 days');
}

/** The next moment the schedule names after `now`. */
export function nextSlot(schedule: Schedule, now: Date, timeZone: string): Date {
  let day = dayIn(now, timeZone);
  for (let i = 0; i < 9; i++, day = shiftDay(day, 1)) {
    const at = slotOn(schedule, day, timeZone);
    if (at && at.getTime() > now.getTime()) return at;
  }
  throw new Error('no digest slot in the next 9 days');
}

/** Whether a digest is due: a slot passed since the last digest (or since the schedule was set up). */
export function digestDue(schedule: Schedule, since: Date, now: Date, timeZone: string): boolean {
  return lastSlot(schedule, now, timeZone).getTime() > since.getTime();
}
