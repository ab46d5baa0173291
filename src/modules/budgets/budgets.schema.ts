import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
/** A nullable column that inserts may leave out (added by a later migration). */
type Maybe<T> = ColumnType<T | null, T | null | undefined, T | null>;

export const PHASES = ['submitting', 'supporting', 'review', 'balloting', 'results', 'follow_up'] as const;
export type Phase = (typeof PHASES)[number];
export type PhaseSetting = Phase | 'closed';
export const VOTING_RULES = ['approval', 'knapsack', 'distributed'] as const;
export type VotingRule = (typeof VOTING_RULES)[number];
export type ResultsMethod = 'votes' | 'equal_shares';
export type Feasibility = 'undecided' | 'feasible' | 'unfeasible';
export type ProjectStatus = 'submitted' | 'selected' | 'rejected' | 'withdrawn';
export const FOLLOW_UP_STATUSES = ['planned', 'in_progress', 'completed', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

declare module '../../platform/db/schema.ts' {
  interface Database {
    budgets_budget: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number | null;
      title: Json<Translated>;
      description: Json<Translated>;
      voting_rule: VotingRule;
      max_projects: number | null;
      max_votes: number | null;
      max_votes_per_project: number | null;
      min_share: number | null;
      results_method: Generated<ResultsMethod>;
      eligibility_level: Generated<'email' | 'verified'>;
      min_age: number | null;
      max_age: number | null;
      district_residents_only: Generated<boolean>;
      phase_override: PhaseSetting | null;
      results_published_at: MaybeStamp;
      created_at: CreatedAt;
      max_supports_per_heading: Maybe<number>;
    };
    budgets_phase: {
      organisation_id: number;
      budget_id: number;
      kind: Phase;
      starts_at: Stamp;
      ends_at: MaybeStamp;
    };
    budgets_heading: {
      id: Generated<number>;
      organisation_id: number;
      budget_id: number;
      name: Json<Translated>;
      district_id: number | null;
      amount: number;
      position: Generated<number>;
    };
    budgets_project: {
      id: Generated<number>;
      organisation_id: number;
      budget_id: number;
      heading_id: number;
      title: Json<Translated>;
      description: Json<Translated>;
      cost: number;
      author_id: number | null;
      feasibility: Generated<Feasibility>;
      feasibility_explanation: Json<Translated>;
      status: Generated<ProjectStatus>;
      funded: Generated<boolean>;
      follow_up_status: FollowUpStatus | null;
      progress: Generated<number>;
      created_at: CreatedAt;
      updated_at: Stamp;
      proposed_cost: Maybe<number>;
      show_author: Generated<boolean>;
      lat: Maybe<number>;
      lng: Maybe<number>;
    };
    budgets_support: {
      organisation_id: number;
      budget_id: number;
      project_id: number;
      /** Null once the supporter erased their account (the support stays counted). */
      user_id: number | null;
      created_at: CreatedAt;
    };
    budgets_ballot: {
      id: Generated<number>;
      organisation_id: number;
      budget_id: number;
      heading_id: number;
      /** Null once the voter erased their account after voting closed (the ballot stays counted). */
      user_id: number | null;
      district_heading: boolean;
      project_ids: number[];
      votes: number[];
      total_cost: number;
      created_at: CreatedAt;
      updated_at: Stamp;
    };
    budgets_result: {
      organisation_id: number;
      budget_id: number;
      heading_id: number;
      project_id: number;
      method: ResultsMethod;
      ballots: number;
      votes: number;
      funded: boolean;
      position: number;
      note: string | null;
      /** The project's cost and title when the results were published. */
      cost: number;
      title: Json<Translated>;
    };
    budgets_heading_result: {
      heading_id: number;
      organisation_id: number;
      budget_id: number;
      voters: number;
      spent: number;
      /** The heading's amount when the results were published. */
      amount: number;
      computed_at: CreatedAt;
    };
    budgets_milestone: {
      id: Generated<number>;
      organisation_id: number;
      project_id: number;
      title: Json<Translated>;
      description: Json<Translated>;
      happened_on: ColumnType<Date, Date | string, Date | string>;
      progress: number | null;
      created_at: CreatedAt;
    };
  }
}
