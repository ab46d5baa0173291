import type { ColumnType, Generated } from 'kysely';

/** A text written by staff in several languages: `{ "en": "…", "it": "…" }`. */
export type Translated = Record<string, string>;

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** Street map tiles: a URL template with {z}, {x}, {y}, the provider's credit and the deepest zoom. */
export interface MapTiles {
  tileUrl: string;
  attribution: string;
  maxZoom: number;
}

export type Role = 'resident' | 'staff' | 'moderator' | 'admin';

/**
 * The tables the platform owns. Modules add theirs by augmenting this interface from their own
 * `*.schema.ts` (`declare module '…/platform/db/schema.ts' { interface Database { … } }`), so one type
 * describes the whole database while the platform knows nothing of the modules.
 */
export interface Database {
  core_organisation: {
    id: Generated<number>;
    slug: string;
    name: Json<Translated>;
    hosts: ColumnType<string[], string[] | undefined, string[]>;
    is_default: boolean;
    languages: ColumnType<string[], string[], string[]>;
    default_language: string;
    time_zone: string;
    map_center_lat: number;
    map_center_lng: number;
    map_zoom: number;
    branding: Json<{ primaryColor?: string; logoUrl?: string; tagline?: Translated }>;
    public_url: ColumnType<string | null, string | null | undefined, string | null>;
    /** The city's own street map tiles; null: the installation's (MAP_TILE_URL…). */
    map_tiles: ColumnType<MapTiles | null, string | null | undefined, string | null>;
    created_at: CreatedAt;
  };
  core_installation: {
    name: string;
    value: string;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  core_user: {
    id: Generated<number>;
    organisation_id: number;
    email: string | null;
    display_name: string;
    password_hash: string | null;
    language: string | null;
    role: Role;
    email_confirmed_at: NullableTimestamp;
    birth_year: number | null;
    /** Runs the installation (its cities), besides their role in their own city. */
    installation_admin: Generated<boolean>;
    created_at: CreatedAt;
    deleted_at: NullableTimestamp;
  };
  core_sign_in_network: {
    organisation_id: number;
    user_id: number;
    network: string; // keyed hash of the network (IPv4 /24, IPv6 /56) a sign-in came from
    last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  core_user_token: {
    id: string; // sha256 of the token sent to the user
    organisation_id: number;
    user_id: number;
    purpose: 'confirm_email' | 'reset_password';
    expires_at: Timestamp;
    used_at: NullableTimestamp;
    created_at: CreatedAt;
  };
  core_session: {
    id: string; // sha256 of the cookie value
    organisation_id: number;
    user_id: number;
    created_at: CreatedAt;
    last_seen_at: Timestamp;
    expires_at: Timestamp;
  };
  core_department: {
    id: Generated<number>;
    organisation_id: number;
    slug: string;
    name: Json<Translated>;
    email: string | null;
    created_at: CreatedAt;
    archived_at: NullableTimestamp;
  };
  core_department_member: {
    organisation_id: number;
    department_id: number;
    user_id: number;
    created_at: CreatedAt;
  };
  core_audit_log: {
    id: Generated<number>;
    organisation_id: number;
    actor_user_id: number | null;
    actor_label: string;
    action: string;
    subject_type: string;
    subject_id: string | null;
    before: Json<unknown> | null;
    after: Json<unknown> | null;
    created_at: CreatedAt;
  };
  core_mail: {
    id: Generated<number>;
    organisation_id: number;
    to_address: string;
    subject: string;
    text_body: string;
    /** The HTML part, when the mail has one (sent as multipart/alternative). */
    html_body: ColumnType<string | null, string | null | undefined, string | null>;
    headers: ColumnType<Record<string, string>, string | undefined, string>;
    status: 'queued' | 'sent' | 'outbox' | 'failed';
    error: string | null;
    created_at: CreatedAt;
    sent_at: NullableTimestamp;
  };
  core_job: {
    id: Generated<number>;
    organisation_id: number | null;
    kind: string;
    payload: Json<unknown>;
    status: Generated<'queued' | 'running' | 'done' | 'failed'>;
    run_at: ColumnType<Date, Date | string | undefined, Date | string>;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    locked_until: NullableTimestamp;
    last_error: string | null;
    created_at: CreatedAt;
    finished_at: NullableTimestamp;
  };
  core_event: {
    id: ColumnType<string, never, never>;
    organisation_id: number;
    type: string;
    data: Json<unknown>;
    occurred_at: CreatedAt;
    tx: ColumnType<string, never, never>;
  };
  core_api_key: {
    id: Generated<number>;
    organisation_id: number;
    name: string;
    prefix: string;
    key_hash: string;
    created_by: number | null;
    created_at: CreatedAt;
    last_used_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
    /** What the key may do (`ApiKeyScope`). */
    scopes: ColumnType<string[], string[] | undefined, string[]>;
    /** Requests allowed per hour and per day (null: no limit in that window). */
    quota_per_hour: ColumnType<number | null, number | null | undefined, number | null>;
    quota_per_day: ColumnType<number | null, number | null | undefined, number | null>;
  };
  core_rate_limit: {
    organisation_id: number;
    key: string;
    window_start: Timestamp;
    hits: number;
  };
}
