import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type Frequency = 'weekly' | 'daily';
export type SubscriberStatus = 'pending' | 'confirmed' | 'bounced';

declare module '../../platform/db/schema.ts' {
  interface Database {
    newsletter_settings: {
      organisation_id: number;
      frequency: ColumnType<Frequency, Frequency | undefined, Frequency>;
      /** ISO weekday of the weekly digest: 1 Monday … 7 Sunday. */
      weekday: ColumnType<number, number | undefined, number>;
      /** The hour of the digest in the city's time zone. */
      hour: ColumnType<number, number | undefined, number>;
      last_digest_at: Stamp;
      created_at: CreatedAt;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
    newsletter_subscriber: {
      id: Generated<number>;
      organisation_id: number;
      email: string;
      user_id: number | null;
      languages: string[];
      department_ids: ColumnType<number[], number[] | undefined, number[]>;
      status: ColumnType<SubscriberStatus, SubscriberStatus | undefined, SubscriberStatus>;
      /** Part of the signed links in every mail: a new salt makes the old links void. */
      token_salt: string;
      confirm_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
      confirm_expires_at: Stamp;
      soft_bounces: ColumnType<number, number | undefined, number>;
      bounced_at: Stamp;
      created_at: CreatedAt;
      confirmed_at: Stamp;
    };
    newsletter_digest: {
      id: Generated<number>;
      organisation_id: number;
      language: string;
      kind: 'digest' | 'crisis';
      items: number;
      recipients: number;
      created_at: CreatedAt;
    };
    newsletter_item: {
      id: Generated<number>;
      organisation_id: number;
      delivery_id: number;
      post_id: number;
      language: string;
      title: string | null;
      body: string;
      url: string;
      /** The post's first picture and its alternative text, shown in the HTML part. */
      image_url: string | null;
      image_alt: string | null;
      department_id: number | null;
      crisis: ColumnType<boolean, boolean | undefined, boolean>;
      digest_id: number | null;
      published_at: ColumnType<Date, Date | string, Date | string>;
      created_at: CreatedAt;
    };
    newsletter_send: {
      id: Generated<number>;
      organisation_id: number;
      digest_id: number;
      subscriber_id: number;
      mail_id: number;
      bounce_checked: ColumnType<boolean, boolean | undefined, boolean>;
      created_at: CreatedAt;
    };
  }
}
