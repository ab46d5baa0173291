import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** A picture of a resident's post: its address on the author's server and the author's own alt text. */
export interface ResidentMedia {
  url: string;
  alt: string | null;
  width?: number | undefined;
  height?: number | undefined;
}

export type ResidentSource = 'mastodon' | 'fediverse' | 'instagram';
export type ResidentPostState =
  'collected' | 'asked' | 'featured' | 'declined' | 'withdrawn' | 'gone' | 'expired' | 'dismissed';

declare module '../../platform/db/schema.ts' {
  interface Database {
    /** A public post with a campaign hashtag, seen on the city's Mastodon account or fediverse actors. */
    resident_content_post: {
      id: Generated<number>;
      organisation_id: number;
      campaign_id: number | null;
      source: ResidentSource;
      destination_id: number | null;
      remote_id: string;
      remote_url: string;
      author_id: string;
      author_handle: string | null;
      author_name: string | null;
      author_url: string | null;
      language: string | null;
      body: string | null;
      media: Json<ResidentMedia[]>;
      hashtag: string;
      posted_at: Timestamp;
      collected_at: CreatedAt;
      state: ColumnType<ResidentPostState, ResidentPostState | undefined, ResidentPostState>;
      state_at: ColumnType<Date, Date | string | undefined, Date | string>;
      checked_at: NullableTimestamp;
    };
    /** The city asking an author's consent: the link's token (hashed), the keyword, what is proposed. */
    resident_content_request: {
      id: Generated<number>;
      organisation_id: number;
      post_id: number;
      asked_by: number | null;
      asked_at: CreatedAt;
      via: 'reply' | 'direct';
      sent_remote_id: string | null;
      token_hash: string;
      keyword: string;
      licence: string;
      months: number | null;
      expires_at: Timestamp;
      answered_at: NullableTimestamp;
      answer: 'consented' | 'declined' | 'never' | null;
    };
    /** The author's consent: who, when, which post, the licence, until when; withdrawn when. */
    resident_content_consent: {
      id: Generated<number>;
      organisation_id: number;
      post_id: number;
      request_id: number | null;
      author_id: string;
      user_id: number | null;
      granted_at: CreatedAt;
      via: 'link' | 'keyword';
      evidence: Json<Record<string, unknown>>;
      licence: string;
      valid_until: NullableTimestamp;
      withdraw_token_hash: string;
      withdrawn_at: NullableTimestamp;
      withdrawn_via: string | null;
    };
    /** Authors who answered NEVER: never collected nor asked again. */
    resident_content_optout: {
      organisation_id: number;
      source: string;
      author_id: string;
      since: CreatedAt;
    };
    /** Where the collection of a Mastodon hashtag timeline stopped (the newest status id seen). */
    resident_content_cursor: {
      organisation_id: number;
      destination_id: number;
      hashtag: string;
      since_id: string;
    };
  }
}
