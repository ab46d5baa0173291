// The recurring job of the communication index: once a period is over, its snapshot is taken for every
// city that has none yet (a city's first run writes the default template in).

import type { AppContext } from '../../platform/context.ts';
import { hasSnapshot } from './index.repository.ts';
import { takeSnapshot } from './index.use-cases.ts';
import { previousCalendarPeriod, today } from './periods.ts';
import { findInsightsSettings } from './settings.repository.ts';
import { ensureCriteria } from './template.ts';

export const SNAPSHOT_JOB = 'insights.snapshot';
export const SNAPSHOT_EVERY_MS = 6 * 3600_000;

export async function runSnapshotJob(ctx: AppContext): Promise<void> {
  for (const organisation of await ctx.organisations.findAll()) {
    const settings = await findInsightsSettings(ctx.db, organisation.id);
    const period = previousCalendarPeriod(settings.periodKind, today(organisation.timeZone));
    if (await hasSnapshot(ctx.db, organisation.id, period.key)) continue;
    const criteria = await ensureCriteria(ctx, organisation);
    await takeSnapshot(ctx, null, organisation, criteria, period.key, true);
  }
}
