import type { AppContext } from './context.ts';
import type { MessageKey } from './i18n/translate.ts';

/**
 * The contract between the `publishing` module (posts, calendar, approval, deliveries) and the channels
 * a post goes out on. Every channel — the city's news pages, Mastodon, a Telegram channel, a Facebook
 * page, Instagram, the newsletter, the city's ActivityPub actors — is an adapter of this one shape,
 * declared by the module that owns it in its manifest (`publishingAdapters`), so the publishing module
 * never imports the fediverse or newsletter modules and they never import each other.
 *
 * A publish is never retried blindly: a retried publish is a duplicate post. `publish` is called once per
 * delivery; when it fails in a way that leaves doubt (a timeout, a connection cut after sending), the
 * publishing module asks `status` — which may be retried freely — before anything else, with the
 * delivery's idempotency key (sent to the API where it has them: Mastodon's `Idempotency-Key`).
 */

/** What a channel accepts. `null` characters: no limit (the newsletter, the web page). */
export interface PublishingLimits {
  /** Counted in user-perceived characters (grapheme clusters), as the services count them. */
  maxCharacters: number | null;
  /** Links count as this many characters (Mastodon: 23), when the channel shortens them. */
  linkCharacters?: number;
  maxMedia: number;
  /** Instagram: a post without a picture is refused. */
  mediaRequired?: boolean;
  /** The channel shows a content warning (spoiler text); otherwise it is prepended to the text. */
  contentWarning: boolean;
  /** A title is shown (news page, newsletter, ActivityPub Article); otherwise it is dropped or prepended. */
  title: boolean;
  /** The channel can edit and delete a published post in place. */
  edit: boolean;
  remove: boolean;
}

/** A picture or video attached to a post, with its alternative text in the post's language. */
export interface ChannelMedia {
  /** The public address of the file on the city's site (what the services download). */
  url: string;
  /** Reads the bytes (for services that take an upload). */
  read(): Promise<Uint8Array>;
  contentType: string;
  alt: string;
  width?: number | undefined;
  height?: number | undefined;
}

/** One post as one channel receives it, in one language: the variant for this channel if staff wrote one. */
export interface ChannelPost {
  postId: number;
  deliveryId: number;
  /** Stable per delivery; sent as the API's idempotency key where it has one. */
  idempotencyKey: string;
  organisationId: number;
  language: string;
  title: string | null;
  /** The text for this channel: the variant, else the master text; links already carry the campaign's UTM parameters. */
  text: string;
  contentWarning: string | null;
  media: ChannelMedia[];
  /** The post's page on the city's site (canonical address). */
  url: string;
  hashtags: string[];
  /** A crisis broadcast: channels that can pin or notify loudly do so. */
  crisis: boolean;
  /** When the post is (or was) published; feeds and ActivityPub show it. */
  publishedAt: Date;
  /** Set on an edit of a post already delivered: the delivery's remote id. */
  remoteId?: string | undefined;
}

/** Where a post goes: one configured account, actor or list of one city. */
export interface PublishingDestination {
  id: number;
  organisationId: number;
  kind: string;
  /** For destinations a module provides itself (an actor's handle, `newsletter`); unique per city and kind. */
  key: string;
  name: string;
  departmentId: number | null;
  settings: Record<string, unknown>;
  /** Credentials opened (the shared inbox channel's, or the destination's own). Never logged. */
  secrets: Record<string, string>;
}

/** A problem with a post for one channel, as a stable code (`TOO_LONG`, `MEDIA_REQUIRED`, `ALT_TEXT_MISSING`). */
export interface ChannelProblem {
  code: string;
  field?: 'text' | 'title' | 'media' | 'contentWarning' | undefined;
  /** For TOO_LONG: the limit and the count. */
  limit?: number | undefined;
  count?: number | undefined;
}

/** What the channel said. `processing`: accepted, not yet visible (Instagram's container); ask `status` later. */
export type DeliveryState = 'published' | 'processing' | 'failed' | 'not_found';

export interface DeliveryOutcome {
  state: DeliveryState;
  remoteId?: string | undefined;
  url?: string | undefined;
  /** For `failed`: whether trying again can help. The message never holds credentials. */
  retryable?: boolean | undefined;
  detail?: string | undefined;
  /** Adapter-specific state to keep for later `status` calls (Instagram's container id); kept as `DeliveryRef.state`. */
  adapterState?: Record<string, unknown> | undefined;
}

/** What a delivery knows when asking the channel about it. */
export interface DeliveryRef {
  deliveryId: number;
  idempotencyKey: string;
  remoteId: string | null;
  /** Adapter-specific state kept between calls (Instagram's container id). */
  state: Record<string, unknown>;
}

export interface PostMetrics {
  reach?: number | undefined;
  favourites?: number | undefined;
  boosts?: number | undefined;
  replies?: number | undefined;
  clicks?: number | undefined;
}

/** A field of a destination's settings form; secret fields are stored sealed and never shown again. */
export interface PublishingField {
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  secret?: boolean;
  required?: boolean;
  type?: 'text' | 'url' | 'number' | 'email' | 'textarea' | 'checkbox';
}

export interface PublishingAdapter {
  kind: string;
  label: MessageKey;
  limits: PublishingLimits;
  /** Settings asked when staff add a destination of this kind. Absent: destinations are only built in. */
  fields?: PublishingField[];
  /** The inbox channel kind whose account (credentials) a destination of this kind may share. */
  sharesInboxAccount?: string;
  /** Destinations the owning module keeps itself (one per fediverse actor, the city's newsletter, the news pages). */
  builtInDestinations?(
    ctx: AppContext,
    organisationId: number,
  ): Promise<Array<{ key: string; name: string; departmentId: number | null }>>;
  /** How many publishes of this kind may run at once (per destination). Default 1. */
  concurrency?: number;
  /** Checks beyond the limits (which the publishing module checks itself from `limits`). */
  validate?(post: ChannelPost): ChannelProblem[];
  /**
   * Publishes once. Throwing means doubt: the publishing module then asks `status`, never `publish` again.
   * `adapterState` is kept in the delivery (DeliveryRef.state); it cannot be called `state`, which is the outcome's.
   */
  publish(
    destination: PublishingDestination,
    post: ChannelPost,
    ctx: AppContext,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome>;
  /** Where a delivery stands; safe to call again and again. */
  status(
    destination: PublishingDestination,
    delivery: DeliveryRef,
    ctx: AppContext,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome>;
  update?(
    destination: PublishingDestination,
    delivery: DeliveryRef,
    post: ChannelPost,
    ctx: AppContext,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome>;
  remove?(
    destination: PublishingDestination,
    delivery: DeliveryRef,
    ctx: AppContext,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome>;
  metrics?(
    destination: PublishingDestination,
    delivery: DeliveryRef,
    ctx: AppContext,
    signal: AbortSignal,
  ): Promise<PostMetrics>;
  /** Publishes left today (Instagram's content publishing limit), read from the service at run time. */
  quota?(
    destination: PublishingDestination,
    ctx: AppContext,
    signal: AbortSignal,
  ): Promise<{ remaining: number; resetsAt?: Date }>;
}
