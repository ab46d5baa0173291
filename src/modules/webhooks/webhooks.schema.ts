import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A bigserial id, read as text (both databases answer it the same way). */
type BigId = ColumnType<string, never, never>;

export type SubscriptionStatus = 'active' | 'paused';
export type PauseReason = 'failing' | 'manual';
export type DeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed';

declare module '../../platform/db/schema.ts' {
  interface Database {
    webhooks_subscription: {
      id: Generated<number>;
      organisation_id: number;
      url: string;
      description: ColumnType<string, string | undefined, string>;
      event_types: ColumnType<string[], string[], string[]>;
      status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined, SubscriptionStatus>;
      /** The signing secret (`whsec_…`), sealed under SECRET_KEY (platform/sealed.ts). */
      secret_sealed: string;
      /** The secret before the last rotation, still signed with until `previous_secret_until`. */
      previous_secret_sealed: ColumnType<string | null, string | null | undefined, string | null>;
      previous_secret_until: Stamp;
      owner_id: number | null;
      pause_reason: ColumnType<PauseReason | null, PauseReason | null | undefined, PauseReason | null>;
      paused_at: Stamp;
      failing_since: Stamp;
      last_success_at: Stamp;
      created_at: CreatedAt;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
    webhooks_cursor: {
      organisation_id: number;
      tx: string;
      event_id: string;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
    webhooks_delivery: {
      id: BigId;
      organisation_id: number;
      subscription_id: number;
      /** `webhook-id`: the same for every attempt and redelivery of one event to one subscription. */
      message_id: string;
      event_type: string;
      /** The exact JSON sent (signed as it is). */
      body: string;
      status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
      attempts: ColumnType<number, number | undefined, number>;
      /** The next step of the retry schedule. */
      retry_step: ColumnType<number, number | undefined, number>;
      /** A redelivery asked for by an administrator: one attempt, no schedule. */
      manual: ColumnType<boolean, boolean | undefined, boolean>;
      next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
      locked_until: Stamp;
      last_status: ColumnType<number | null, number | null | undefined, number | null>;
      last_duration_ms: ColumnType<number | null, number | null | undefined, number | null>;
      last_error: ColumnType<string | null, string | null | undefined, string | null>;
      created_at: CreatedAt;
      finished_at: Stamp;
    };
    webhooks_attempt: {
      id: BigId;
      organisation_id: number;
      delivery_id: string;
      attempted_at: ColumnType<Date, Date | string, never>;
      response_status: number | null;
      duration_ms: number;
      error: string | null;
    };
  }
}
