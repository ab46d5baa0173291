import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date, Date | string, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
type MaybeJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** The kinds of channel the inbox speaks; each has one adapter in ./channels. */
export const CHANNEL_KINDS = [
  'email',
  'telegram',
  'mastodon',
  'facebook',
  'instagram',
  'feed',
  'import',
  'webhook',
  'web',
  'fediverse',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type ChannelStatus = 'new' | 'ok' | 'failing';
export const CONVERSATION_STATUSES = ['new', 'open', 'waiting', 'done'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
export type Delivery = 'queued' | 'sent' | 'failed';
export type NotificationKind = 'mention' | 'assignment' | 'new_message';

/** A file that came with a message: described always, its bytes kept only when small enough. */
export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
  /** Where the channel keeps it (a URL), when the channel gives one. */
  url?: string;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    inbox_channel: {
      id: Generated<number>;
      organisation_id: number;
      kind: ChannelKind;
      name: string;
      settings: Json<Record<string, unknown>>;
      /** AES-256-GCM sealed JSON of the credentials (see channels/secrets.ts); never sent to a browser. */
      secrets: string | null;
      enabled: Generated<boolean>;
      status: Generated<ChannelStatus>;
      last_error: string | null;
      failures: Generated<number>;
      cursor: MaybeJson<unknown>;
      last_polled_at: MaybeStamp;
      last_received_at: MaybeStamp;
      created_at: CreatedAt;
      archived_at: MaybeStamp;
    };
    inbox_author: {
      id: Generated<number>;
      organisation_id: number;
      channel_kind: ChannelKind;
      external_id: string;
      display_name: string | null;
      handle: string | null;
      email: string | null;
      user_id: number | null;
      created_at: CreatedAt;
      erased_at: MaybeStamp;
    };
    inbox_conversation: {
      id: Generated<number>;
      organisation_id: number;
      channel_id: number;
      thread_key: string;
      author_id: number | null;
      subject: string | null;
      status: Generated<ConversationStatus>;
      department_id: number | null;
      assignee_id: number | null;
      report_id: number | null;
      proposal_id: number | null;
      message_count: Generated<number>;
      /** The earliest incoming message (what the list shows and filters on); kept by ingestion. */
      first_incoming_id: Generated<number | null>;
      /** That message's analysis, copied by a database trigger whenever it changes. */
      first_language: Generated<string | null>;
      first_sentiment: Generated<Sentiment | null>;
      first_topic: Generated<string | null>;
      first_district_id: Generated<number | null>;
      first_message_at: Stamp;
      last_message_at: Stamp;
      last_incoming_at: MaybeStamp;
      first_response_at: MaybeStamp;
      /** When an answer or notice last failed to be delivered, until staff answer again. */
      delivery_failed_at: MaybeStamp;
      done_at: MaybeStamp;
      created_at: CreatedAt;
      /** What a search reads: the author, the subject and every message's text; kept by database triggers. */
      search_text: Generated<string>;
    };
    inbox_message: {
      id: Generated<number>;
      organisation_id: number;
      conversation_id: number;
      channel_id: number;
      direction: 'in' | 'out';
      external_id: string | null;
      in_reply_to: string | null;
      author_id: number | null;
      sent_by: number | null;
      /** An outgoing message the platform wrote (a notice), in nobody's name. */
      automatic: Generated<boolean>;
      /** The report an incoming message filed (a bot's dialogue stored as one message). */
      report_id: ColumnType<number | null, number | null | undefined, number | null>;
      subject: string | null;
      body: string;
      url: string | null;
      lat: number | null;
      lng: number | null;
      attachments: Json<AttachmentInfo[]>;
      raw: MaybeJson<unknown>;
      sent_at: Stamp;
      received_at: CreatedAt;
      delivery: Delivery | null;
      delivery_error: string | null;
      language: string | null;
      language_confidence: number | null;
      sentiment: Sentiment | null;
      sentiment_score: number | null;
      sentiment_by: number | null;
      topic: string | null;
      topic_by: number | null;
      district_id: number | null;
      place: string | null;
      analysed_at: MaybeStamp;
      erased_at: MaybeStamp;
    };
    inbox_topic: {
      id: Generated<number>;
      organisation_id: number;
      key: string;
      names: Json<Translated>;
      /** Keywords per language: `{ "en": ["bin", "rubbish"], "ro": ["gunoi"] }`. */
      keywords: Json<Record<string, string[]>>;
      department_id: number | null;
      archived_at: MaybeStamp;
    };
    inbox_template: {
      id: Generated<number>;
      organisation_id: number;
      name: string;
      texts: Json<Translated>;
      archived_at: MaybeStamp;
      created_at: CreatedAt;
    };
    inbox_note: {
      id: Generated<number>;
      organisation_id: number;
      conversation_id: number;
      author_id: number | null;
      body: string;
      mentioned: ColumnType<number[], number[] | undefined, number[]>;
      created_at: CreatedAt;
    };
    inbox_notification: {
      id: Generated<number>;
      organisation_id: number;
      user_id: number;
      kind: NotificationKind;
      conversation_id: number;
      actor_id: number | null;
      created_at: CreatedAt;
      read_at: MaybeStamp;
    };
    inbox_notification_cursor: {
      organisation_id: number;
      last_message_id: number;
    };
    inbox_staff_preference: {
      user_id: number;
      organisation_id: number;
      notify_new_message: Generated<boolean>;
      email_new_message: Generated<boolean>;
      email_assignment: Generated<boolean>;
      email_mention: Generated<boolean>;
      shortcuts: Generated<boolean>;
    };
    inbox_saved_view: {
      id: Generated<number>;
      organisation_id: number;
      user_id: number;
      name: string;
      filters: Json<Record<string, string>>;
      created_at: CreatedAt;
    };
    inbox_code: {
      id: Generated<number>;
      organisation_id: number;
      parent_id: number | null;
      name: string;
      description: string | null;
      archived_at: MaybeStamp;
      created_at: CreatedAt;
    };
    inbox_message_code: {
      organisation_id: number;
      message_id: number;
      code_id: number;
      coded_by: number | null;
      created_at: CreatedAt;
    };
    inbox_alert: {
      id: Generated<number>;
      organisation_id: number;
      kind: 'volume' | 'negative';
      district_id: number | null;
      topic: string | null;
      window_start: Stamp;
      window_end: Stamp;
      observed: number;
      expected: number;
      acknowledged_at: MaybeStamp;
      acknowledged_by: number | null;
      created_at: CreatedAt;
    };
    inbox_setting: {
      organisation_id: number;
      retention_days: Generated<number>;
      first_response_goal_hours: Generated<number>;
    };
  }
}
