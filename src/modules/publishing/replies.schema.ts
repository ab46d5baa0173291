import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

declare module '../../platform/db/schema.ts' {
  interface Database {
    /** An inbox conversation that answers one of the city's deliveries (a post on one channel). */
    publishing_reply: {
      organisation_id: number;
      conversation_id: number;
      delivery_id: number;
      linked_at: CreatedAt;
    };
    /** An inbox message that carries a campaign's hashtag. */
    publishing_campaign_message: {
      organisation_id: number;
      message_id: number;
      campaign_id: number;
      hashtag: string;
      tagged_at: CreatedAt;
    };
    /** The last inbox message the linking job read, per city. */
    publishing_link_cursor: {
      organisation_id: number;
      last_message_id: number;
    };
  }
}
