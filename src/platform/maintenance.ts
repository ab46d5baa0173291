import type { AppContext } from './context.ts';
import type { Executor } from './db/database.ts';
import { refreshStatistics } from './db/statistics.ts';
import type { JobQueue } from './jobs/queue.ts';
import { pruneRateLimits } from './auth/rate-limit.ts';
import { pruneEvents } from './events.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Refreshes planner statistics where autovacuum does not run (PGlite; PostgreSQL with it off); see db/statistics.ts. */
export const STATISTICS_JOB = 'platform.statistics';
/** The same, asked for after a bulk change; one run waits at a time, a few seconds out, so a burst asks once. */
const STATISTICS_SOON_JOB = 'platform.statistics.soon';
/** How often the embedded database's statistics are checked: the check is one small query when nothing changed. */
const STATISTICS_EVERY_MS = 2 * MINUTE;
const STATISTICS_SOON_DELAY_MS = 5_000;
/** From how many written rows a change counts as bulk. */
const BULK_ROWS = 100;

/**
 * Hourly clean-up as a recurring job: expired sessions, used or expired tokens,
 * ended rate-limit windows, events past their retention (events.ts), and finished jobs older than a week. Kept in the queue, so one run happens
 * per hour however many servers share the database. Where autovacuum does not run (PGlite, or a
 * PostgreSQL server with it off), also the statistics refresh autovacuum would do.
 */
export function registerMaintenance(ctx: AppContext, options: { refreshStatistics: boolean }): void {
  ctx.jobs.register(
    'platform.maintenance',
    async () => {
      const now = new Date();
      await ctx.db.deleteFrom('core_session').where('expires_at', '<', now).execute();
      await ctx.db
        .deleteFrom('core_user_token')
        .where((eb) => eb.or([eb('expires_at', '<', now), eb('used_at', 'is not', null)]))
        .execute();
      await pruneRateLimits(ctx.db);
      await pruneEvents(ctx.db, now);
      await ctx.db
        .deleteFrom('core_job')
        .where('status', '=', 'done')
        .where('finished_at', '<', new Date(Date.now() - 7 * 24 * HOUR))
        .execute();
    },
    { everyMs: HOUR },
  );

  if (!options.refreshStatistics) return;
  const refresh = async (): Promise<void> => {
    const done = await refreshStatistics(ctx.db);
    if (done.analysed.length + done.vacuumed.length > 0)
      ctx.log.info(
        { analysed: done.analysed, vacuumed: done.vacuumed, ms: Math.round(done.ms) },
        'planner statistics refreshed',
      );
  };
  ctx.jobs.register(STATISTICS_JOB, refresh, { everyMs: STATISTICS_EVERY_MS });
  ctx.jobs.register(STATISTICS_SOON_JOB, refresh);
}

/**
 * Says how many rows were just written (an import, a batch of messages, their analysis): when they are
 * many, and autovacuum does not run, the statistics are refreshed a few seconds later rather than at
 * the next scheduled check. Pass the transaction that wrote them, so the request exists only if they do.
 */
export async function afterBulkChange(jobs: JobQueue, rows: number, executor?: Executor): Promise<void> {
  if (rows < BULK_ROWS || !jobs.handles(STATISTICS_SOON_JOB)) return;
  await jobs.enqueueUnlessWaiting(
    STATISTICS_SOON_JOB,
    {},
    { runAt: new Date(Date.now() + STATISTICS_SOON_DELAY_MS) },
    executor,
  );
}
