import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export type PostKind = 'post' | 'article' | 'alert';
export type PostState =
  'draft' | 'in_review' | 'changes_requested' | 'approved' | 'scheduled' | 'publishing' | 'published' | 'withdrawn';
export type DeliveryRowState =
  'pending' | 'publishing' | 'uncertain' | 'processing' | 'published' | 'failed' | 'removed';

/** A correction or withdrawal of one delivery: waiting, applied, given up, impossible on the channel, replaced by a later one. */
export type DeliveryChangeState = 'pending' | 'done' | 'failed' | 'unsupported' | 'superseded';

export type DecisionKind =
  'approved' | 'changes_requested' | 'comment' | 'submitted' | 'emergency_started' | 'emergency_confirmed';

declare module '../../platform/db/schema.ts' {
  interface Database {
    publishing_campaign: {
      id: Generated<number>;
      organisation_id: number;
      slug: string;
      name: Json<Translated>;
      goal: JsonDefault<Translated>;
      starts_on: ColumnType<string | null, string | null | undefined, string | null>;
      ends_on: ColumnType<string | null, string | null | undefined, string | null>;
      hashtags: ColumnType<string[], string[] | undefined, string[]>;
      utm_source: string | null;
      utm_medium: string | null;
      utm_campaign: string | null;
      created_at: CreatedAt;
      archived_at: MaybeStamp;
    };
    publishing_post: {
      id: Generated<number>;
      organisation_id: number;
      department_id: number | null;
      campaign_id: number | null;
      author_id: number | null;
      kind: ColumnType<PostKind, PostKind | undefined, PostKind>;
      state: ColumnType<PostState, PostState | undefined, PostState>;
      slug: string;
      content_warning: JsonDefault<Translated>;
      scheduled_at: MaybeStamp;
      published_at: MaybeStamp;
      crisis: Generated<boolean>;
      pinned_until: MaybeStamp;
      version: Generated<number>;
      created_at: CreatedAt;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
      /** The approval step the post waits at (0: the first). */
      approval_position: Generated<number>;
      emergency_started_by: number | null;
      emergency_started_at: MaybeStamp;
      emergency_confirmed_by: number | null;
      /** Published through the emergency path: approval looks at it afterwards. */
      review_afterwards: Generated<boolean>;
      /** The last correction of a post already published (its channels were asked to edit it). */
      corrected_at: MaybeStamp;
      withdrawn_at: MaybeStamp;
      withdrawn_reason: string | null;
    };
    publishing_approval_step: {
      id: Generated<number>;
      organisation_id: number;
      department_id: number | null;
      position: number;
      name: string;
      approver_department_id: number | null;
      approver_user_ids: ColumnType<number[], number[] | undefined, number[]>;
    };
    publishing_post_version: {
      organisation_id: number;
      post_id: number;
      version: number;
      texts: Json<Record<string, { title: string | null; body: string }>>;
      author_id: number | null;
      created_at: CreatedAt;
    };
    publishing_review_link: {
      id: Generated<number>;
      organisation_id: number;
      post_id: number;
      token_hash: string;
      reviewer_name: string;
      expires_at: Date;
      created_by: number | null;
      created_at: CreatedAt;
    };
    publishing_decision: {
      id: Generated<number>;
      organisation_id: number;
      post_id: number;
      version: number;
      position: number | null;
      user_id: number | null;
      review_link_id: number | null;
      decision: DecisionKind;
      comment: ColumnType<string, string | undefined, string>;
      created_at: CreatedAt;
    };
    publishing_post_text: {
      organisation_id: number;
      post_id: number;
      language: string;
      title: string | null;
      /** Added by 20261216_0300_publishing_text_summary (pub-calendar): the news list's and feeds' summary. */
      summary: ColumnType<string | null, string | null | undefined, string | null>;
      body: string;
    };
    publishing_media: {
      id: Generated<number>;
      organisation_id: number;
      post_id: number;
      position: Generated<number>;
      storage_key: string;
      content_type: string;
      width: number | null;
      height: number | null;
      bytes: number;
      alt: JsonDefault<Translated>;
      data: Uint8Array | null;
    };
    publishing_destination: {
      id: Generated<number>;
      organisation_id: number;
      kind: string;
      key: string;
      name: string;
      department_id: number | null;
      /** The inbox channel whose account (sealed credentials) this destination shares. */
      inbox_channel_id: number | null;
      settings: JsonDefault<Record<string, unknown>>;
      /** AES-256-GCM sealed JSON of the destination's own credentials; never sent to a browser. */
      secrets: string | null;
      enabled: Generated<boolean>;
      created_at: CreatedAt;
      archived_at: MaybeStamp;
    };
    publishing_variant: {
      organisation_id: number;
      post_id: number;
      destination_id: number;
      language: string;
      body: string;
    };
    publishing_post_destination: {
      organisation_id: number;
      post_id: number;
      destination_id: number;
    };
    publishing_delivery: {
      id: Generated<number>;
      organisation_id: number;
      post_id: number;
      destination_id: number;
      language: string;
      state: ColumnType<DeliveryRowState, DeliveryRowState | undefined, DeliveryRowState>;
      idempotency_key: string;
      remote_id: string | null;
      remote_url: string | null;
      adapter_state: JsonDefault<Record<string, unknown>>;
      attempts: Generated<number>;
      last_error: string | null;
      next_check_at: MaybeStamp;
      published_at: MaybeStamp;
      metrics: JsonDefault<Record<string, number>>;
      metrics_at: MaybeStamp;
      created_at: CreatedAt;
      /** Status checks asked so far (their back-off grows with it). */
      checks: Generated<number>;
    };
    publishing_delivery_change: {
      id: Generated<number>;
      organisation_id: number;
      delivery_id: number;
      post_version: number;
      kind: 'update' | 'remove';
      state: ColumnType<DeliveryChangeState, DeliveryChangeState | undefined, DeliveryChangeState>;
      attempts: Generated<number>;
      last_error: string | null;
      next_attempt_at: MaybeStamp;
      created_at: CreatedAt;
      done_at: MaybeStamp;
    };
  }
}
