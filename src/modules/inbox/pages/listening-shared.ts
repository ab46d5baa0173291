import type { DayVolume, ListeningScope } from '../listening/listening.repository.ts';

/** A text value of a query string or form body, trimmed (the listening pages read filters with it). */
export function valueOf(source: unknown, name: string): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Every day of the period, with zero for days without messages, so the chart's bars line up with the calendar. */
export function fillDays(rows: DayVolume[], scope: ListeningScope, days: number): DayVolume[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    timeZone: scope.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return Array.from({ length: days }, (_, index) => {
    const day = dayOf.format(new Date(scope.to.getTime() - (days - 1 - index) * 86_400_000));
    return byDay.get(day) ?? { day, total: 0, negative: 0, neutral: 0, positive: 0 };
  });
}
