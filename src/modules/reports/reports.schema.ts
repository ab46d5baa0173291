import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export const OPEN_STATUSES = ['new', 'confirmed', 'in_progress', 'planned'] as const;
export const CLOSED_STATUSES = ['fixed', 'not_responsible', 'duplicate', 'cannot_fix'] as const;
export type ReportStatus = (typeof OPEN_STATUSES)[number] | (typeof CLOSED_STATUSES)[number];
export type QuestionDatatype = 'string' | 'text' | 'number' | 'datetime' | 'singlevaluelist' | 'multivaluelist';
export interface QuestionOption {
  key: string;
  name: Translated;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    reports_category: {
      id: Generated<number>;
      organisation_id: number;
      code: string;
      group_name: Json<Translated>;
      name: Json<Translated>;
      description: Json<Translated>;
      keywords: Generated<string>;
      expected_hours: Generated<number>;
      default_department_id: number | null;
      active: Generated<boolean>;
      sort: Generated<number>;
      created_at: CreatedAt;
    };
    reports_question: {
      id: Generated<number>;
      organisation_id: number;
      category_id: number;
      code: string;
      datatype: QuestionDatatype;
      required: Generated<boolean>;
      label: Json<Translated>;
      help: Json<Translated>;
      options: Json<QuestionOption[]>;
      sort: Generated<number>;
    };
    reports_routing_rule: {
      id: Generated<number>;
      organisation_id: number;
      category_id: number;
      district_id: number | null;
      department_id: number;
      created_at: CreatedAt;
    };
    reports_report: {
      id: Generated<number>;
      organisation_id: number;
      category_id: number;
      department_id: number | null;
      district_id: number | null;
      status: Generated<ReportStatus>;
      is_open: ColumnType<boolean, never, never>;
      description: string;
      lat: number;
      lng: number;
      tile_x: number;
      tile_y: number;
      address: string | null;
      answers: Json<Record<string, string | string[]>>;
      author_id: number | null;
      author_name: string | null;
      author_email: string | null;
      show_name: Generated<boolean>;
      source: Generated<string>;
      api_key_id: number | null;
      token: string | null;
      duplicate_of_id: number | null;
      deadline_at: MaybeStamp;
      created_at: CreatedAt;
      updated_at: Stamp;
      closed_at: MaybeStamp;
      hidden_at: MaybeStamp;
      hidden_reason: string | null;
    };
    reports_update: {
      id: Generated<number>;
      organisation_id: number;
      report_id: number;
      kind: 'created' | 'status' | 'answer' | 'comment' | 'reroute' | 'merge' | 'reopen' | 'hide';
      author_id: number | null;
      author_label: string | null;
      status_from: string | null;
      status_to: string | null;
      public_text: string | null;
      internal_note: string | null;
      details: Json<Record<string, unknown>>;
      created_at: CreatedAt;
      hidden_at: MaybeStamp;
    };
    /** A report from a resident who is not signed in, waiting for its address to confirm it. */
    reports_pending_report: {
      id: Generated<number>;
      organisation_id: number;
      email: string;
      token_hash: string;
      submission: Json<Record<string, unknown>>;
      photo_token: string | null;
      report_id: number | null;
      created_at: CreatedAt;
      expires_at: Date;
      confirmed_at: MaybeStamp;
    };
  }
}
