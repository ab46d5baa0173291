// The staff dashboard: every indicator for a period against the one before, narrowed to departments,
// a district, a channel or a campaign, with its target and status. Reports and inbox come from the daily
// rollups; participation and publishing are read live (small tables) through their modules' index.ts.

import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { ballotsPerProcessBetween } from '../budgets/index.ts';
import { processActivityBetween, type ProcessActivity } from '../participation/index.ts';
import { postMetricsBetween, type PostChannelMetrics } from '../publishing/index.ts';
import { countOverdueReports } from '../reports/index.ts';
import { countVerifiedBetween } from '../verification/index.ts';
import { authorizeInsights, departmentScope } from './insights.policy.ts';
import { KPIS, kpiStatus, mean, percent, type KpiCode, type KpiStatus } from './kpis.ts';
import { addDays, daysBetween, isDay, MAX_PERIOD_DAYS, periodOf, startOfDay, today, type Period } from './periods.ts';
import { sumRollups, type RollupFilter, type RollupSums, type RollupTotals } from './rollup.repository.ts';
import { countAccountsBetween, findInsightsSettings, rolledAt } from './settings.repository.ts';

export interface DashboardQuery {
  from?: string | undefined;
  to?: string | undefined;
  department?: number | undefined;
  district?: number | undefined;
  channel?: string | undefined;
  campaign?: number | undefined;
}

export interface KpiValue {
  code: KpiCode;
  current: number | null;
  previous: number | null;
  target: number | undefined;
  status: KpiStatus | null;
}

export interface FunnelRow extends ProcessActivity {
  ballots: number;
  voters: number;
}

export interface Dashboard {
  period: Period;
  departmentIds: number[] | null;
  filter: { district: number | null; channel: string | null; campaign: number | null };
  kpis: KpiValue[];
  inbox: RollupSums;
  reports: RollupSums;
  overdueReports: number;
  funnel: { accounts: number; verified: number; processes: FunnelRow[] };
  posts: PostChannelMetrics[];
  languages: { offered: string[]; used: Array<{ language: string; conversations: number; offered: boolean }> };
  rolledAt: Date | null;
}

/** The period asked for, or the last 30 days up to today; refused when not real days in order. */
export function resolvePeriod(query: DashboardQuery, timeZone: string): Period {
  const to = query.to ?? today(timeZone);
  // `to` is checked before a default `from` is counted back from it
  if (!isDay(to)) throw new AppError('INSIGHTS_PERIOD_INVALID');
  const from = query.from ?? addDays(to, -29);
  if (!isDay(from) || daysBetween(from, to) < 0 || daysBetween(from, to) > MAX_PERIOD_DAYS)
    throw new AppError('INSIGHTS_PERIOD_INVALID');
  return periodOf(from, to);
}

interface Live {
  accounts: number;
  verified: number;
  participants: number;
  processes: FunnelRow[];
  posts: PostChannelMetrics[];
}

async function readLive(
  ctx: AppContext,
  organisation: Organisation,
  from: string,
  to: string,
  departmentIds: number[] | null,
  query: DashboardQuery,
): Promise<Live> {
  const start = startOfDay(from, organisation.timeZone);
  const end = startOfDay(addDays(to, 1), organisation.timeZone);
  const [accounts, verified, activity, ballots, posts] = await Promise.all([
    countAccountsBetween(ctx.db, organisation.id, start, end),
    countVerifiedBetween(ctx.db, organisation.id, start, end),
    processActivityBetween(ctx.db, organisation.id, start, end),
    ballotsPerProcessBetween(ctx.db, organisation.id, start, end),
    postMetricsBetween(ctx.db, organisation.id, start, end, {
      departmentIds,
      campaignId: query.campaign ?? null,
      channel: query.channel ?? null,
    }),
  ]);
  const processes = activity.map((row) => {
    const cast = ballots.find((ballot) => ballot.processId === row.processId);
    return { ...row, ballots: cast?.ballots ?? 0, voters: cast?.voters ?? 0 };
  });
  const participants = processes.reduce((sum, row) => sum + row.supporters + row.commenters + row.voters, 0);
  return { accounts, verified, participants, processes, posts };
}

function publishingTotals(posts: readonly PostChannelMetrics[]) {
  const reach = posts.reduce((sum, post) => sum + post.reach, 0);
  const engagement = posts.reduce((sum, post) => sum + post.favourites + post.boosts + post.replies + post.clicks, 0);
  return { reach: posts.length ? reach : null, engagementRate: percent(engagement, reach) };
}

/** The share of conversations in a recognised language that were in one the city offers. */
function offeredShare(by: RollupSums['by']['language'], offered: readonly string[]): number | null {
  const known = by.filter((row) => row.key !== '');
  const inOffered = known.filter((row) => offered.includes(row.key)).reduce((sum, row) => sum + row.totals.items, 0);
  return percent(
    inOffered,
    known.reduce((sum, row) => sum + row.totals.items, 0),
  );
}

/** The values of every indicator in both periods (also what the index and the transparency page read). */
export async function indicatorValues(
  ctx: AppContext,
  organisation: Organisation,
  period: Period,
  departmentIds: number[] | null,
  query: DashboardQuery = {},
) {
  const filter: RollupFilter = {
    departmentIds,
    districtId: query.district ?? null,
    channel: query.channel ?? null,
  };
  const span = { previousFrom: period.previousFrom, from: period.from, to: addDays(period.to, 1) };
  const [inbox, reports, live, before] = await Promise.all([
    sumRollups(ctx.db, organisation.id, 'inbox', span, filter),
    sumRollups(ctx.db, organisation.id, 'reports', span, filter),
    readLive(ctx, organisation, period.from, period.to, departmentIds, query),
    readLive(ctx, organisation, period.previousFrom, period.previousTo, departmentIds, query),
  ]);
  const offered = organisation.languages;
  const values = (rollups: { inbox: RollupTotals; reports: RollupTotals }, side: Live, languages: number | null) => {
    const posts = publishingTotals(side.posts);
    return {
      'inbox.conversations': rollups.inbox.items,
      'inbox.firstResponseHours': mean(rollups.inbox.responseHours, rollups.inbox.responded),
      'inbox.withinGoal': percent(rollups.inbox.inGoal, rollups.inbox.withGoal),
      'inbox.resolutionHours': mean(rollups.inbox.doneHours, rollups.inbox.done),
      'inbox.sameChannel': percent(rollups.inbox.sameChannel, rollups.inbox.answers),
      'reports.count': rollups.reports.items,
      'reports.deadlineMet': percent(rollups.reports.inGoal, rollups.reports.withGoal),
      'reports.hoursToFix': mean(rollups.reports.doneHours, rollups.reports.done),
      'participation.accounts': side.accounts,
      'participation.verified': side.verified,
      'participation.participants': side.participants,
      'publishing.reach': posts.reach,
      'publishing.engagementRate': posts.engagementRate,
      'languages.offeredShare': languages,
    } satisfies Record<KpiCode, number | null>;
  };
  const current = values(
    { inbox: inbox.current, reports: reports.current },
    live,
    offeredShare(inbox.by.language, offered),
  );
  const previous = values(
    { inbox: inbox.previous, reports: reports.previous },
    before,
    offeredShare(inbox.previousByLanguage, offered),
  );
  return { current, previous, inbox, reports, live };
}

/** The dashboard for a member of staff: their departments (all for administrators). */
export async function readDashboard(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  query: DashboardQuery,
): Promise<Dashboard> {
  authorizeInsights(viewer, 'dashboard');
  const departmentIds = departmentScope(viewer, query.department);
  const period = resolvePeriod(query, organisation.timeZone);
  const [values, settings, overdueReports, at] = await Promise.all([
    indicatorValues(ctx, organisation, period, departmentIds, query),
    findInsightsSettings(ctx.db, organisation.id),
    countOverdueReports(ctx.db, organisation.id, departmentIds),
    rolledAt(ctx.db, organisation.id),
  ]);
  const kpis = KPIS.map(({ code }) => {
    const current = values.current[code];
    const target = settings.targets[code];
    return { code, current, previous: values.previous[code], target, status: kpiStatus(code, current, target) };
  });
  const offered = organisation.languages;
  return {
    period,
    departmentIds,
    filter: { district: query.district ?? null, channel: query.channel ?? null, campaign: query.campaign ?? null },
    kpis,
    inbox: values.inbox,
    reports: values.reports,
    overdueReports,
    funnel: { accounts: values.live.accounts, verified: values.live.verified, processes: values.live.processes },
    posts: values.live.posts,
    languages: {
      offered,
      used: values.inbox.by.language.map((row) => ({
        language: row.key,
        conversations: row.totals.items,
        offered: offered.includes(row.key),
      })),
    },
    rolledAt: at,
  };
}
