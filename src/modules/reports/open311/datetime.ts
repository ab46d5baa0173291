import { offsetAt, wallClockAt } from '../../../platform/i18n/days.ts';

/**
 * ISO 8601 with the city's UTC offset, as Open311 asks (`2010-04-14T06:37:38-08:00`), rather than UTC `Z`.
 */
export function isoWithOffset(date: Date, timeZone: string): string {
  const clock = wallClockAt(date, timeZone);
  const offsetMinutes = Math.round(offsetAt(date.getTime(), timeZone) / 60_000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${clock.year}-${clock.month}-${clock.day}T${clock.hour}:${clock.minute}:${clock.second}${sign}${hours}:${minutes}`;
}
