import type { ModuleManifest } from '../../src/platform/module.ts';
import type {
  ChannelPost,
  DeliveryOutcome,
  PublishingAdapter,
  PublishingDestination,
} from '../../src/platform/publishing.ts';

/**
 * A publishing channel for tests that speaks the adapter contract the way a real service does: it keeps
 * the posts it received by idempotency key (as Mastodon does with `Idempotency-Key`), so `status` finds
 * a post whose answer was lost, and it can fail in each way a service fails — an answer lost after the
 * post was stored, a call that hangs, a refusal (retryable or not), a post still processing, a spent quota.
 */
export type FakeMode = 'ok' | 'lost-answer' | 'hang' | 'refuse-retryable' | 'refuse' | 'processing' | 'throw-before';

export class FakeChannel {
  mode: FakeMode = 'ok';
  /** What `status` answers while a post is processing: published once this many checks were asked. */
  processingChecks = 1;
  /** Posts the service holds, by idempotency key. */
  readonly stored = new Map<string, { id: string; post: ChannelPost; checks: number }>();
  /** Every call to `publish`, in order. */
  readonly publishCalls: ChannelPost[] = [];
  statusCalls = 0;
  /** Publishes running at this moment, and the most seen at once. */
  running = 0;
  maxRunning = 0;
  delayMs = 0;
  quotaRemaining: number | undefined;
  statusFails = false;
  lastSecrets: Record<string, string> = {};
  /** Corrections and deletions received (a channel created with `edit: true`), in order. */
  readonly updateCalls: Array<{ remoteId: string | null; text: string }> = [];
  readonly removeCalls: Array<string | null> = [];
  /** What `update` and `remove` answer: as the service does, or a refusal worth trying again. */
  changeMode: 'ok' | 'refuse-retryable' = 'ok';

  readonly adapter: PublishingAdapter;

  constructor(kind = 'test-channel', options: { sharesInboxAccount?: string; edit?: boolean } = {}) {
    const edits = options.edit === true;
    this.adapter = {
      kind,
      label: 'publishing.nav',
      limits: {
        maxCharacters: 500,
        linkCharacters: 23,
        maxMedia: 4,
        contentWarning: true,
        title: false,
        edit: edits,
        remove: edits,
      },
      fields: [
        { name: 'endpoint', label: 'publishing.destinations.name', type: 'url', required: true },
        { name: 'token', label: 'publishing.destinations.name', secret: true, required: true },
      ],
      ...(options.sharesInboxAccount ? { sharesInboxAccount: options.sharesInboxAccount } : {}),
      concurrency: 1,
      publish: (destination, post, _ctx, signal) => this.publish(destination, post, signal),
      status: async (_destination, delivery) => {
        this.statusCalls++;
        if (this.statusFails) throw new Error('status unavailable');
        const found = this.stored.get(delivery.idempotencyKey);
        if (!found) return { state: 'not_found' };
        found.checks++;
        if (this.mode === 'processing' && found.checks <= this.processingChecks)
          return { state: 'processing', remoteId: found.id };
        return { state: 'published', remoteId: found.id, url: `https://fake.example/${found.id}` };
      },
      metrics: async (_destination, delivery) => ({
        reach: 100 + delivery.deliveryId,
        favourites: 3,
        boosts: 2,
        replies: 1,
      }),
      quota: async () => ({ remaining: this.quotaRemaining ?? 25, resetsAt: new Date(Date.now() + 3_600_000) }),
      ...(edits
        ? {
            update: async (_destination, delivery, post) => {
              this.updateCalls.push({ remoteId: delivery.remoteId, text: post.text });
              if (this.changeMode === 'refuse-retryable')
                return { state: 'failed', retryable: true, detail: 'HTTP 503' };
              const found = [...this.stored.values()].find((stored) => stored.id === delivery.remoteId);
              if (!found) return { state: 'not_found' };
              found.post = post;
              return { state: 'published', remoteId: found.id, url: `https://fake.example/${found.id}` };
            },
            remove: async (_destination, delivery) => {
              this.removeCalls.push(delivery.remoteId);
              if (this.changeMode === 'refuse-retryable')
                return { state: 'failed', retryable: true, detail: 'HTTP 503' };
              for (const [key, stored] of this.stored) if (stored.id === delivery.remoteId) this.stored.delete(key);
              return { state: 'not_found' };
            },
          }
        : {}),
    };
  }

  private async publish(
    destination: PublishingDestination,
    post: ChannelPost,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    this.publishCalls.push(post);
    this.lastSecrets = destination.secrets;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.mode === 'throw-before') throw new Error('connection refused');
      if (this.mode === 'hang')
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      if (this.mode === 'refuse-retryable') return { state: 'failed', retryable: true, detail: 'HTTP 503' };
      if (this.mode === 'refuse') return { state: 'failed', retryable: false, detail: 'HTTP 422 text too long' };
      // the service stores the post under its idempotency key (a second call with the key returns the first)
      const existing = this.stored.get(post.idempotencyKey);
      const id = existing?.id ?? `r${this.stored.size + 1}`;
      if (!existing) this.stored.set(post.idempotencyKey, { id, post, checks: 0 });
      if (this.mode === 'lost-answer') throw new Error('socket hang up');
      if (this.mode === 'processing') return { state: 'processing', remoteId: id };
      return { state: 'published', remoteId: id, url: `https://fake.example/${id}` };
    } finally {
      this.running--;
    }
  }

  /** A module carrying the adapter, for `startTestServer({ modules })`. */
  module(name = 'test-publishing'): ModuleManifest {
    return { name, publishingAdapters: [this.adapter] };
  }
}
