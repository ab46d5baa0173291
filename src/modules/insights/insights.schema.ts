import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type DayColumn = ColumnType<string, string, string>;

/** Where a criterion's value comes from: an indicator of the dashboard, a rubric staff fill in, or a survey. */
export const SOURCES = ['kpi', 'rubric', 'survey'] as const;
export type CriterionSource = (typeof SOURCES)[number];
export type PeriodKind = 'month' | 'quarter';

/** A level of a rubric: the value it gives and its label in the city's languages. */
export interface RubricLevel {
  value: number;
  label: Translated;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    insights_daily: {
      organisation_id: number;
      source: 'reports' | 'inbox';
      day: DayColumn;
      department_id: number;
      district_id: number;
      channel: string;
      language: string;
      items: number;
      done: number;
      done_hours: number;
      responded: number;
      response_hours: number;
      with_goal: number;
      in_goal: number;
      answers: number;
      same_channel: number;
    };
    insights_rollup_state: {
      organisation_id: number;
      source: string;
      watermark: Stamp;
      goal_hours: number | null;
      rolled_at: Stamp;
    };
    insights_criterion: {
      id: Generated<number>;
      organisation_id: number;
      key: string;
      labels: Json<Translated>;
      weight: number;
      source: CriterionSource;
      kpi: string | null;
      levels: Json<RubricLevel[]>;
      floor: number;
      target: number;
      position: number;
    };
    insights_criterion_input: {
      organisation_id: number;
      criterion_id: number;
      period: string;
      value: number;
      entered_by: number | null;
      entered_at: Stamp;
    };
    insights_snapshot: {
      id: Generated<number>;
      organisation_id: number;
      template: string;
      period: string;
      period_start: DayColumn;
      period_end: DayColumn;
      score: number;
      taken_at: Stamp;
      taken_by: number | null;
    };
    insights_snapshot_criterion: {
      id: Generated<number>;
      organisation_id: number;
      snapshot_id: number;
      key: string;
      labels: Json<Translated>;
      source: string;
      kpi: string | null;
      weight: number;
      share: number;
      value: number | null;
      floor: number;
      target: number;
      progress: number;
      points: number;
    };
    insights_setting: {
      organisation_id: number;
      template: ColumnType<string, string | undefined, string>;
      period_kind: ColumnType<PeriodKind, PeriodKind | undefined, PeriodKind>;
      targets: ColumnType<Record<string, number>, string | undefined, string>;
      published: ColumnType<string[], string[] | undefined, string[]>;
      publish_index: ColumnType<boolean, boolean | undefined, boolean>;
      updated_at: Stamp;
    };
  }
}
