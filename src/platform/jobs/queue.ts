import type { Logger } from 'pino';
import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.ts';

export interface Job<P = unknown> {
  id: number;
  organisationId: number | null;
  kind: string;
  payload: P;
  attempts: number;
}

export type JobHandler = (job: Job<never>) => Promise<void>;

export interface EnqueueOptions {
  organisationId?: number | null;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * A job queue kept in PostgreSQL (or PGlite), so that work survives restarts and several servers can
 * share it: a worker claims due jobs with `for update skip locked`, runs them, and retries failures
 * with exponential back-off. A job whose worker died is taken again once its lease runs out.
 */
const RECURRING = { recurring: true } as const;

/** A job as claimed from the queue. */
interface ClaimedJob {
  id: number;
  organisation_id: number | null;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

export class JobQueue {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #recurring = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #wakeRequested = false;
  #intervalMs = 1000;

  constructor(db: Db, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /**
   * Registers the handler of a job kind. With `everyMs`, the job recurs: each run queues the next one,
   * and `scheduleRecurring` queues a first run where none is waiting, so one chain runs per database
   * however many servers share it.
   */
  register(kind: string, handler: JobHandler, options: { everyMs?: number } = {}): void {
    if (this.#handlers.has(kind)) throw new Error(`Job kind ${kind} is registered twice`);
    const everyMs = options.everyMs;
    if (everyMs === undefined) {
      this.#handlers.set(kind, handler);
      return;
    }
    this.#recurring.set(kind, everyMs);
    this.#handlers.set(kind, async (job) => {
      await handler(job);
      // Only the chain's own runs queue the next one; extra runs asked for in between (`enqueue(kind, {})`) don't.
      if ((job.payload as { recurring?: boolean } | null)?.recurring)
        await this.enqueue(kind, RECURRING, { runAt: new Date(Date.now() + everyMs) });
    });
  }

  /**
   * Queues a first run of every recurring job kind that has no run waiting; the worker calls it on start.
   * The test and the insert run under a transaction-scoped advisory lock per kind, so servers starting at
   * the same moment on one database queue one first run between them, not one each.
   */
  async scheduleRecurring(): Promise<void> {
    for (const kind of this.#recurring.keys()) {
      await this.#db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`ic-recurring:${kind}`}))`.execute(tx);
        const waiting = await tx
          .selectFrom('core_job')
          .select('id')
          .where('kind', '=', kind)
          .where('status', 'in', ['queued', 'running'])
          .where(sql<boolean>`payload->>'recurring' = 'true'`)
          .executeTakeFirst();
        if (!waiting) await this.enqueue(kind, RECURRING, {}, tx);
      });
    }
  }

  /** Whether a handler for this kind of job is registered (some exist only on one kind of database). */
  handles(kind: string): boolean {
    return this.#handlers.has(kind);
  }

  /** Adds a job; pass a transaction as `executor` so the job exists only if the work that asked for it commits. */
  async enqueue(
    kind: string,
    payload: unknown,
    options: EnqueueOptions = {},
    executor: Executor = this.#db,
  ): Promise<number> {
    if (!this.#handlers.has(kind)) throw new Error(`No handler for job kind ${kind}`);
    const row = await executor
      .insertInto('core_job')
      .values({
        organisation_id: options.organisationId ?? null,
        kind,
        payload: JSON.stringify(payload),
        run_at: options.runAt ?? new Date(),
        ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
        last_error: null,
        locked_until: null,
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.wake();
    return row.id;
  }

  /**
   * Queues a job unless one of the same kind for the same city is already waiting: for work that takes
   * up everything pending when it runs (analysing new messages), so a burst of arrivals queues one run,
   * not one per arrival. Returns the new job's id, or undefined when one was waiting.
   */
  async enqueueUnlessWaiting(
    kind: string,
    payload: unknown,
    options: EnqueueOptions = {},
    executor: Executor = this.#db,
  ): Promise<number | undefined> {
    const waiting = await executor
      .selectFrom('core_job')
      .select('id')
      .where('kind', '=', kind)
      .where('status', '=', 'queued')
      .where(sql<boolean>`organisation_id is not distinct from ${options.organisationId ?? null}`)
      .limit(1)
      .executeTakeFirst();
    if (waiting) {
      this.wake();
      return undefined;
    }
    return this.enqueue(kind, payload, options, executor);
  }

  /** Starts polling every `intervalMs`. */
  start(intervalMs = 1000): void {
    this.#stopped = false;
    this.#intervalMs = intervalMs;
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delayMs);
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#timer = undefined;
    this.#wakeRequested = false;
    this.#running = this.runDue()
      .catch((error: unknown) => this.#log.error({ err: error }, 'job worker failed'))
      .then(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#schedule(this.#wakeRequested ? 0 : this.#intervalMs);
      });
  }

  /** Asks the worker to look again now (after an enqueue in this process). */
  wake(): void {
    this.#wakeRequested = true;
    if (!this.#stopped && !this.#running) this.#schedule(0);
  }

  /** Stops taking jobs and waits for the ones running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /**
   * Runs the jobs that are due now, up to `limit`, and returns how many ran. Each job is claimed just
   * before it runs (one at a time, skipping those another worker holds), so a job waits in the queue —
   * where another server can take it — rather than locked behind a slow one. Tests call it directly.
   */
  async runDue(limit = 20): Promise<number> {
    let ran = 0;
    while (ran < limit) {
      const row = await this.#claimOne();
      if (!row) break;
      await this.#run(row);
      ran++;
    }
    return ran;
  }

  /** Takes the oldest due job (or one whose worker's lock ran out) for five minutes. */
  async #claimOne() {
    const claimed = await sql<ClaimedJob>`
      update core_job set status = 'running', attempts = attempts + 1, locked_until = now() + interval '5 minutes'
      where id = (
        select id from core_job
        where (status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now())
        order by run_at
        limit 1
        for update skip locked
      )
      returning id, organisation_id, kind, payload, attempts, max_attempts`.execute(this.#db);
    return claimed.rows[0];
  }

  /** Runs a claimed job; a failure is retried later with a growing delay, until its last attempt. */
  async #run(row: ClaimedJob): Promise<void> {
    const handler = this.#handlers.get(row.kind);
    const job: Job<never> = {
      id: row.id,
      organisationId: row.organisation_id,
      kind: row.kind,
      payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as never,
      attempts: row.attempts,
    };
    try {
      if (!handler) throw new Error(`No handler for job kind ${row.kind}`);
      await handler(job);
      await this.#db
        .updateTable('core_job')
        .set({ status: 'done', finished_at: new Date(), locked_until: null })
        .where('id', '=', row.id)
        .execute();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = row.attempts >= row.max_attempts;
      const delaySeconds = Math.min(3600, 2 ** row.attempts * 5);
      this.#log.warn({ jobId: row.id, kind: row.kind, attempt: row.attempts, final, error: message }, 'job failed');
      await this.#db
        .updateTable('core_job')
        .set({
          status: final ? 'failed' : 'queued',
          last_error: message.slice(0, 2000),
          locked_until: null,
          run_at: new Date(Date.now() + delaySeconds * 1000),
          ...(final ? { finished_at: new Date() } : {}),
        })
        .where('id', '=', row.id)
        .execute();
    }
  }
}
