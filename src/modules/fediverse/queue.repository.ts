import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from '@fedify/fedify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import { durationMs } from './kv.repository.ts';

/** How long a claimed message stays invisible to other workers; a worker that dies lets it come back after. */
const LEASE_MS = 5 * 60_000;

/** The transaction the enqueues of the current call go into (see `withinTransaction`). */
const transaction = new AsyncLocalStorage<Executor>();

interface Claimed {
  id: string;
  message: unknown;
}

/**
 * Fedify's message queue (outgoing activities, fan-out, retries) in the table `fediverse_queue`, for
 * PostgreSQL and PGlite. A message becomes visible at `ready_at` (its delay); a worker claims a batch by
 * setting `locked_until`, with `for update skip locked` on PostgreSQL so servers sharing the database never
 * take the same row, and under a lock in this process on PGlite (one connection, one process). A message
 * with an ordering key is claimed only when no earlier message of that key remains (waiting, delayed or in
 * hand), so messages of one key are handled one at a time, in order; other keys go on in parallel. A
 * message is removed once handled; Fedify retries failed deliveries itself (`nativeRetrial` false).
 */
export class KyselyMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #db: Db;
  readonly #postgres: boolean;
  readonly #pollMs: number;
  /** PGlite: claims one at a time within this process. */
  #claiming: Promise<unknown> = Promise.resolve();

  constructor(db: Db, options: { kind: 'postgres' | 'pglite'; pollMs?: number }) {
    this.#db = db;
    this.#postgres = options.kind === 'postgres';
    this.#pollMs = options.pollMs ?? 500;
  }

  /**
   * Runs `work` (Fedify's sendActivity) with every message it enqueues written through `tx`: the messages
   * exist only if the transaction commits, together with what the caller stored in it (the object a
   * publish stores, the delivery job). `work` must not use the database otherwise: on PGlite the
   * transaction holds the only connection.
   */
  withinTransaction<T>(tx: Executor, work: () => Promise<T>): Promise<T> {
    return transaction.run(tx, work);
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const readyAt = new Date(Date.now() + durationMs(options?.delay));
    const orderingKey = options?.orderingKey ?? null;
    await (transaction.getStore() ?? this.#db)
      .insertInto('fediverse_queue')
      .values(
        messages.map((message) => ({
          organisation_id: null,
          message: JSON.stringify(message),
          ordering_key: orderingKey,
          ready_at: readyAt,
        })),
      )
      .execute();
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const row = await this.#db
      .selectFrom('fediverse_queue')
      .select([
        (eb) => eb.fn.countAll<string>().as('queued'),
        sql<string>`count(*) filter (where ready_at <= now())`.as('ready'),
      ])
      .where('locked_until', 'is', null)
      .executeTakeFirstOrThrow();
    const queued = Number(row.queued);
    const ready = Number(row.ready);
    return { queued, ready, delayed: queued - ready };
  }

  /** Claims up to `limit` ready messages for this worker. */
  async claim(limit: number): Promise<Claimed[]> {
    if (this.#postgres) return this.#claimNow(limit);
    const turn = this.#claiming.then(() => this.#claimNow(limit));
    this.#claiming = turn.catch(() => undefined);
    return turn;
  }

  async #claimNow(limit: number): Promise<Claimed[]> {
    const now = new Date();
    const skipLocked = this.#postgres ? sql`for update skip locked` : sql``;
    const result = await sql<{ id: string | number | bigint; message: unknown }>`
      update fediverse_queue set locked_until = ${new Date(now.getTime() + LEASE_MS)}
      where id in (
        select q.id from fediverse_queue q
        where q.ready_at <= ${now}
          and (q.locked_until is null or q.locked_until < ${now})
          and (q.ordering_key is null or not exists (
            select 1 from fediverse_queue e where e.ordering_key = q.ordering_key and e.id < q.id))
        order by q.id
        limit ${limit}
        ${skipLocked}
      )
      returning id, message`.execute(this.#db);
    return result.rows
      .map((row) => ({
        id: String(row.id),
        message: row.message,
      }))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  async #finish(id: string): Promise<void> {
    await this.#db.deleteFrom('fediverse_queue').where('id', '=', id).execute();
  }

  /**
   * Handles what is ready now, up to `limit` messages, `concurrency` at a time; answers how many. The
   * platform's worker calls this (the module's job) so deliveries stop and start with the worker.
   */
  async drain(
    handler: (message: unknown) => Promise<void> | void,
    options: { limit?: number; concurrency?: number; onError?: (error: unknown) => void; signal?: AbortSignal } = {},
  ): Promise<number> {
    const limit = options.limit ?? 1000;
    const concurrency = options.concurrency ?? 16;
    let handled = 0;
    const worker = async () => {
      while (handled < limit && !options.signal?.aborted) {
        const [claimed] = await this.claim(1);
        if (!claimed) return;
        handled += 1;
        try {
          await handler(claimed.message);
        } catch (error) {
          options.onError?.(error);
        } finally {
          await this.#finish(claimed.id);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    return handled;
  }

  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options: MessageQueueListenOptions = {},
  ): Promise<void> {
    const signal = options.signal;
    while (!signal?.aborted) {
      let handled = 0;
      try {
        handled = await this.drain(handler, { limit: 100, concurrency: 4, ...(signal ? { signal } : {}) });
      } catch {
        // the database was unreachable for a moment: poll again
      }
      if (handled === 0) await pause(this.#pollMs, signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
