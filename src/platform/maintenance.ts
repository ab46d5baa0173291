import type { AppContext } from './context.ts';
import { pruneRateLimits } from './auth/rate-limit.ts';

const HOUR = 3_600_000;

/**
 * Hourly clean-up as a recurring job: expired sessions, used or expired tokens,
 * ended rate-limit windows, and finished jobs older than a week. Kept in the queue, so one run happens
 * per hour however many servers share the database.
 */
export function registerMaintenance(ctx: AppContext): void {
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
      await ctx.db
        .deleteFrom('core_job')
        .where('status', '=', 'done')
        .where('finished_at', '<', new Date(Date.now() - 7 * 24 * HOUR))
        .execute();
    },
    { everyMs: HOUR },
  );
}
