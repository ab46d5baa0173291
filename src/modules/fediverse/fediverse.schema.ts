import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type ObjectType = 'Note' | 'Article';

/** A picture or video of a published object: its public address, type and alternative text. */
export interface ObjectAttachment {
  url: string;
  mediaType: string;
  alt: string;
  width?: number | undefined;
  height?: number | undefined;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    fediverse_kv: {
      key: string[];
      organisation_id: number | null;
      value: Json<unknown>;
      expires_at: MaybeStamp;
    };
    fediverse_queue: {
      id: Generated<string>;
      organisation_id: number | null;
      message: Json<unknown>;
      ordering_key: string | null;
      ready_at: ColumnType<Date, Date | string | undefined, Date | string>;
      locked_until: MaybeStamp;
      created_at: CreatedAt;
    };
    fediverse_actor: {
      id: Generated<number>;
      organisation_id: number;
      handle: string;
      department_id: number | null;
      address: ColumnType<string, string | undefined, string>;
      opening_hours: ColumnType<string, string | undefined, string>;
      accessibility: ColumnType<string, string | undefined, string>;
      rsa_public: Json<JsonWebKey>;
      /** AES-256-GCM sealed JWK (see keys.ts); never leaves the server. */
      rsa_private: string;
      ed25519_public: Json<JsonWebKey>;
      ed25519_private: string;
      created_at: CreatedAt;
    };
    fediverse_follower: {
      id: Generated<number>;
      organisation_id: number;
      actor_id: number;
      remote_actor: string;
      remote_host: string;
      inbox: string;
      shared_inbox: string | null;
      follow_id: string | null;
      created_at: CreatedAt;
    };
    fediverse_following: {
      id: Generated<number>;
      organisation_id: number;
      actor_id: number;
      remote_actor: string;
      follow_id: string;
      accepted_at: MaybeStamp;
      created_at: CreatedAt;
    };
    fediverse_object: {
      id: Generated<number>;
      organisation_id: number;
      actor_id: number;
      uuid: string;
      post_id: number | null;
      delivery_id: number | null;
      type: ObjectType;
      title: string | null;
      content: string;
      summary: string | null;
      language: string;
      url: string | null;
      hashtags: ColumnType<string[], string[] | undefined, string[]>;
      attachments: ColumnType<ObjectAttachment[], string | undefined, string>;
      in_reply_to: string | null;
      reply_to_actor: string | null;
      published_at: ColumnType<Date, Date | string, Date | string>;
      updated_at: MaybeStamp;
      deleted_at: MaybeStamp;
    };
    fediverse_received: {
      id: Generated<number>;
      organisation_id: number;
      actor_id: number;
      iri: string;
      remote_actor: string;
      object_id: number | null;
      activity_type: string;
      content: string | null;
      received_at: CreatedAt;
      deleted_at: MaybeStamp;
    };
    fediverse_blocked_domain: {
      organisation_id: number;
      domain: string;
      created_by: number | null;
      created_at: CreatedAt;
    };
    fediverse_blocked_by: {
      organisation_id: number;
      actor_id: number;
      remote_actor: string;
      created_at: CreatedAt;
    };
  }
}
