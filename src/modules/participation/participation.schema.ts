import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** The parts of a process a phase can open, and what each part lets residents do. */
export const PARTS = ['proposals', 'debates', 'budget', 'meetings'] as const;
export type Part = (typeof PARTS)[number];
export const ACTIONS = ['create', 'support', 'comment', 'vote'] as const;
export type Action = (typeof ACTIONS)[number];
/** Which actions make sense in which part (meetings are shown, not acted on here). */
export const PART_ACTIONS: Record<Part, readonly Action[]> = {
  proposals: ['create', 'support', 'comment'],
  debates: ['create', 'comment'],
  budget: ['vote'],
  meetings: [],
};
/** The open parts of a phase with the actions each allows; a part absent is closed. */
export type PhaseParts = Partial<Record<Part, Action[]>>;

export const CATEGORIES = [
  'mobility',
  'environment',
  'urbanism',
  'culture',
  'social',
  'economy',
  'sport',
  'education',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Stored statuses; "expired" is derived (published, deadline passed, threshold not reached). */
export const PROPOSAL_STATUSES = [
  'published',
  'threshold_reached',
  'evaluating',
  'accepted',
  'rejected',
  'withdrawn',
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export type ShownStatus = ProposalStatus | 'expired';
export const ANSWERS = ['evaluating', 'accepted', 'rejected'] as const;
export type Answer = (typeof ANSWERS)[number];

/** What comments can be about: this module's proposals and debates, reports, budget projects. */
export const SUBJECT_TYPES = ['proposal', 'debate', 'report', 'budget_project'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];
export type Stance = 'for' | 'against';

declare module '../../platform/db/schema.ts' {
  interface Database {
    participation_process: {
      id: Generated<number>;
      organisation_id: number;
      slug: string;
      title: Json<Translated>;
      description: Json<Translated>;
      district_ids: ColumnType<number[], number[] | undefined, number[]>;
      eligibility_level: 'email' | 'verified';
      min_age: number | null;
      max_age: number | null;
      residents_only: Generated<boolean>;
      support_threshold: number;
      support_days: number;
      answer_days: number;
      created_at: CreatedAt;
      updated_at: Stamp;
    };
    participation_phase: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number;
      title: Json<Translated>;
      starts_at: Stamp;
      ends_at: Stamp;
      parts: Json<PhaseParts>;
    };
    participation_proposal: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number;
      author_id: number | null;
      title: string;
      body: string;
      category: Category;
      district_id: number | null;
      lat: number | null;
      lng: number | null;
      status: Generated<ProposalStatus>;
      supports_count: Generated<number>;
      threshold: number;
      support_deadline: Stamp;
      threshold_reached_at: MaybeStamp;
      answer_due_at: MaybeStamp;
      answer_text: string | null;
      answered_at: MaybeStamp;
      answered_by: number | null;
      withdrawn_at: MaybeStamp;
      hidden_at: MaybeStamp;
      hidden_reason: string | null;
      random_key: number;
      created_at: CreatedAt;
    };
    participation_support: {
      id: Generated<number>;
      organisation_id: number;
      proposal_id: number;
      user_id: number | null;
      created_at: CreatedAt;
    };
    participation_follow: {
      organisation_id: number;
      proposal_id: number;
      user_id: number;
      created_at: CreatedAt;
    };
    participation_debate: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number;
      author_id: number | null;
      title: string;
      body: string;
      hidden_at: MaybeStamp;
      hidden_reason: string | null;
      created_at: CreatedAt;
    };
    participation_comment: {
      id: Generated<number>;
      organisation_id: number;
      subject_type: SubjectType;
      subject_id: number;
      parent_id: number | null;
      author_id: number | null;
      body: string;
      stance: Stance | null;
      ups: Generated<number>;
      downs: Generated<number>;
      flags: Generated<number>;
      hidden_at: MaybeStamp;
      hidden_reason: string | null;
      hidden_by: number | null;
      created_at: CreatedAt;
    };
    participation_comment_vote: {
      id: Generated<number>;
      organisation_id: number;
      comment_id: number;
      user_id: number | null;
      value: number;
      created_at: CreatedAt;
    };
    participation_comment_flag: {
      id: Generated<number>;
      organisation_id: number;
      comment_id: number;
      user_id: number | null;
      reason: string;
      created_at: CreatedAt;
    };
  }
}
