// The public transparency page: the indicators the city chose to publish, for the last full month against
// the month before, and its communication index's snapshots when it publishes them. Everything here is
// public; counts and averages only.

import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { indicatorValues } from './dashboard.use-cases.ts';
import { findCriteria, findSnapshots } from './index.repository.ts';
import { isKpiCode, kpiStatus } from './kpis.ts';
import { periodOf, previousCalendarPeriod, today } from './periods.ts';
import { findInsightsSettings } from './settings.repository.ts';

export async function readTransparency(ctx: AppContext, organisation: Organisation) {
  const settings = await findInsightsSettings(ctx.db, organisation.id);
  const month = previousCalendarPeriod('month', today(organisation.timeZone));
  const period = periodOf(month.from, month.to);
  const [values, snapshots, criteria] = await Promise.all([
    settings.published.length ? indicatorValues(ctx, organisation, period, null) : null,
    settings.publishIndex ? findSnapshots(ctx.db, organisation.id, 12) : Promise.resolve([]),
    findCriteria(ctx.db, organisation.id),
  ]);
  const indicators = settings.published.filter(isKpiCode).map((code) => {
    const current = values?.current[code] ?? null;
    const target = settings.targets[code];
    return {
      code,
      current,
      previous: values?.previous[code] ?? null,
      target,
      status: kpiStatus(code, current, target),
    };
  });
  return { period, indicators, publishIndex: settings.publishIndex, snapshots, criteria };
}
