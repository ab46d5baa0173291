import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { saveInput } from './index.repository.ts';
import { takeSnapshot } from './index.use-cases.ts';
import { previousCalendarPeriod, today } from './periods.ts';
import { rollUpCity } from './rollup.ts';
import { saveInsightsSettings } from './settings.repository.ts';
import { ensureCriteria } from './template.ts';

/**
 * The demo city's insights: rollups of its reports and messages, targets, a few published indicators, and
 * the communication index with rubric and survey values and three past monthly snapshots.
 */
export async function seedInsights(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  await rollUpCity(ctx, organisation);
  await saveInsightsSettings(ctx.db, organisation.id, {
    template: 'default',
    periodKind: 'month',
    targets: {
      'inbox.firstResponseHours': 24,
      'inbox.withinGoal': 90,
      'inbox.sameChannel': 95,
      'reports.deadlineMet': 85,
      'reports.hoursToFix': 120,
      'languages.offeredShare': 95,
    },
    published: [
      'inbox.withinGoal',
      'inbox.firstResponseHours',
      'reports.deadlineMet',
      'reports.hoursToFix',
      'inbox.sameChannel',
    ],
    publishIndex: true,
  });
  const criteria = await ensureCriteria(ctx, organisation);
  let day = today(organisation.timeZone);
  const periods = [];
  for (let i = 0; i < 3; i++) {
    const period = previousCalendarPeriod('month', day);
    periods.push(period.key);
    day = period.from;
  }
  for (const [index, period] of periods.reverse().entries()) {
    for (const criterion of criteria) {
      if (criterion.source === 'rubric')
        await saveInput(ctx.db, organisation.id, criterion.id, period, Math.min(4, 2 + index), people.admin);
      if (criterion.source === 'survey')
        await saveInput(ctx.db, organisation.id, criterion.id, period, 55 + 5 * index, people.admin);
    }
    await takeSnapshot(ctx, null, organisation, criteria, period, true);
  }
}
