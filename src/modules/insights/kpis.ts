// The indicators of the dashboard: what each measures, its unit and which way is better, and the plain
// status against a target (met / close / missed).

export const KPIS = [
  { code: 'inbox.conversations', unit: 'count', better: 'higher' },
  { code: 'inbox.firstResponseHours', unit: 'hours', better: 'lower' },
  { code: 'inbox.withinGoal', unit: 'percent', better: 'higher' },
  { code: 'inbox.resolutionHours', unit: 'hours', better: 'lower' },
  { code: 'inbox.sameChannel', unit: 'percent', better: 'higher' },
  { code: 'reports.count', unit: 'count', better: 'higher' },
  { code: 'reports.deadlineMet', unit: 'percent', better: 'higher' },
  { code: 'reports.hoursToFix', unit: 'hours', better: 'lower' },
  { code: 'participation.accounts', unit: 'count', better: 'higher' },
  { code: 'participation.verified', unit: 'count', better: 'higher' },
  { code: 'participation.participants', unit: 'count', better: 'higher' },
  { code: 'publishing.reach', unit: 'count', better: 'higher' },
  { code: 'publishing.engagementRate', unit: 'percent', better: 'higher' },
  { code: 'languages.offeredShare', unit: 'percent', better: 'higher' },
] as const;

export type KpiCode = (typeof KPIS)[number]['code'];
export type KpiUnit = (typeof KPIS)[number]['unit'];
export type KpiStatus = 'met' | 'close' | 'missed';

export const KPI_CODES: readonly string[] = KPIS.map((kpi) => kpi.code);

export function isKpiCode(code: string): code is KpiCode {
  return KPI_CODES.includes(code);
}

export function kpiOf(code: KpiCode) {
  return KPIS.find((kpi) => kpi.code === code) as (typeof KPIS)[number];
}

/** Within this fraction of the target (10 %) on the wrong side, the status is `close`. */
export const CLOSE_MARGIN = 0.1;

/** Met when on the good side of the target, close when within 10 % of it, else missed; null without both. */
export function kpiStatus(code: KpiCode, value: number | null, target: number | undefined): KpiStatus | null {
  if (value === null || target === undefined) return null;
  if (kpiOf(code).better === 'higher') {
    if (value >= target) return 'met';
    return value >= target * (1 - CLOSE_MARGIN) ? 'close' : 'missed';
  }
  if (value <= target) return 'met';
  return value <= target * (1 + CLOSE_MARGIN) ? 'close' : 'missed';
}

/** A ratio as a percentage, null when nothing was counted. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? (100 * part) / whole : null;
}

export function mean(total: number, count: number): number | null {
  return count > 0 ? total / count : null;
}
