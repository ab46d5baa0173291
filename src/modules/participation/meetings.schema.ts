import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';
import type { PlanFeature } from './plan.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** Tables of meetings and process plans (migration 20261123_0530). */
declare module '../../platform/db/schema.ts' {
  interface Database {
    participation_meeting: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number;
      title: Json<Translated>;
      description: Json<Translated>;
      starts_at: Stamp;
      ends_at: Stamp;
      address: string | null;
      lat: number | null;
      lng: number | null;
      online_url: string | null;
      capacity: number;
      registrations_count: Generated<number>;
      minutes: ColumnType<Translated | null, string | null | undefined, string | null>;
      minutes_published_at: MaybeStamp;
      minutes_by: number | null;
      created_at: CreatedAt;
      updated_at: Stamp;
      sequence: Generated<number>;
    };
    participation_meeting_registration: {
      id: Generated<number>;
      organisation_id: number;
      meeting_id: number;
      user_id: number;
      created_at: CreatedAt;
    };
    participation_meeting_proposal: {
      organisation_id: number;
      meeting_id: number;
      proposal_id: number;
    };
    participation_plan: {
      organisation_id: number;
      process_id: number;
      features: Json<PlanFeature[]>;
      feature_count: number;
      min_lng: number;
      min_lat: number;
      max_lng: number;
      max_lat: number;
      uploaded_by: number | null;
      updated_at: Stamp;
    };
  }
}
