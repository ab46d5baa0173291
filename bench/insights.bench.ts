/**
 * The staff KPI dashboard (issue 16) with 1,000,000 reports and 1,000,000 inbox messages — `--only=insights`
 * (`--quick`: 100,000 of each). Goal: GET /staff/insights under 200 ms on PostgreSQL.
 *
 * Reports are bulk-loaded as the reports bench does (generate_series over five years), conversations as the
 * inbox-list bench does (one incoming message each, every other one answered: 1.5 messages per conversation,
 * so 666,667 conversations make 1,000,000 messages). Then the daily rollups are built once (the first run
 * of the `insights.rollup` job, timed), 1,000 reports are changed and the incremental run is timed, and the
 * dashboard is timed over real HTTP as an administrator: the last 30 days, a whole year, and one department.
 * Baselines in the same run: the same page on the demo city before loading, and the live aggregation the
 * rollups replace (the very queries the job runs, over the dashboard's 30 days, straight from the tables).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { conversationDayFacts, firstResponseGoalHours } from '../src/modules/inbox/index.ts';
import { rollUpCity } from '../src/modules/insights/index.ts';
import { reportDayFacts } from '../src/modules/reports/index.ts';
import { createSession, SESSION_COOKIE } from '../src/platform/auth/sessions.ts';
import { refreshStatistics } from '../src/platform/db/statistics.ts';
import { loadConversations } from './inbox-list.bench.ts';
import { formatMs, formatNumber, printTable, progress, timeOnce, timeRepeated, type BenchOptions } from './lib.ts';
import { loadReports } from './reports-data.ts';
import type { BenchEnvironment } from './setup.ts';

const GOAL_MS = 200;

function lastDays(count: number, timeZone: string): string[] {
  const days: string[] = [];
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
  for (let i = count - 1; i >= 0; i--)
    days.push(new Date(new Date(`${today}T00:00:00Z`).getTime() - i * 86_400_000).toISOString().slice(0, 10));
  return days;
}

export async function benchInsights(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const ctx = env.platform.ctx;
  const db = ctx.db;
  const city = env.city;
  const size = options.quick ? 100_000 : 1_000_000;
  await ctx.jobs.stop();
  try {
    const admin = await db
      .selectFrom('core_user')
      .select('id')
      .where('organisation_id', '=', city.id)
      .where('role', '=', 'admin')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const token = await createSession(db, city.id, admin.id, 1);
    const department = await db
      .selectFrom('core_department')
      .select('id')
      .where('organisation_id', '=', city.id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const get = async (query: string): Promise<void> => {
      const response = await fetch(`${env.url}/staff/insights${query}`, {
        headers: { cookie: `${SESSION_COOKIE}=${token}` },
      });
      if (response.status !== 200) throw new Error(`GET /staff/insights${query} answered ${response.status}`);
      await response.arrayBuffer();
    };
    const runs = options.quick ? 10 : 30;
    const rows: string[][] = [];
    const year = lastDays(365, city.timeZone);
    const cases = [
      { name: 'last 30 days', query: '' },
      { name: 'last 365 days', query: `?from=${year[0]}&to=${year.at(-1)}` },
      { name: 'one department, 30 days', query: `?department=${department.id}` },
    ];

    await rollUpCity(ctx, city);
    const demo = await timeRepeated(() => get(''), runs);
    rows.push(['demo city', 'dashboard, last 30 days', 'baseline', formatMs(demo.medianMs), formatMs(demo.p95Ms), '']);

    const loadStarted = performance.now();
    await loadReports(db, city.id, size);
    progress(`${formatNumber(size)} reports loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const conversations = Math.ceil(size / 1.5);
    const inboxStarted = performance.now();
    await loadConversations(env, conversations, 0);
    const messages =
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from inbox_message where organisation_id = ${city.id}`.execute(db)
      ).rows[0]?.n ?? 0;
    progress(
      `${formatNumber(conversations)} conversations (${formatNumber(messages)} messages in all) loaded in ${((performance.now() - inboxStarted) / 1000).toFixed(1)} s`,
    );
    const refreshed = await refreshStatistics(db);
    progress(`statistics refreshed in ${formatMs(refreshed.ms)} ms`);

    // a first run as on a new installation: every day of the loaded data
    await sql`delete from insights_rollup_state where organisation_id = ${city.id}`.execute(db);
    const first = await timeOnce(() => rollUpCity(ctx, city));
    const daily =
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from insights_daily where organisation_id = ${city.id}`.execute(db)
      ).rows[0]?.n ?? 0;
    rows.push([
      'loaded',
      `rollup: first run (${formatNumber(first.result)} days, ${formatNumber(daily)} rows)`,
      'job',
      formatMs(first.ms),
      '',
      '',
    ]);
    await sql`update reports_report set status = 'fixed', closed_at = now(), updated_at = now()
      where id in (select id from reports_report where organisation_id = ${city.id} and is_open order by random() limit 1000)`.execute(
      db,
    );
    const incremental = await timeOnce(() => rollUpCity(ctx, city));
    rows.push([
      'loaded',
      `rollup: after 1,000 reports changed (${formatNumber(incremental.result)} days)`,
      'job',
      formatMs(incremental.ms),
      '',
      '',
    ]);

    const days = lastDays(30, city.timeZone);
    const goal = await firstResponseGoalHours(db, city.id);
    const live = await timeRepeated(
      () =>
        Promise.all([
          reportDayFacts(db, city.id, days, city.timeZone),
          conversationDayFacts(db, city.id, days, city.timeZone, goal),
        ]),
      options.quick ? 5 : 10,
      1,
    );
    rows.push([
      'loaded',
      'live aggregation of 30 days (no rollups)',
      'baseline',
      formatMs(live.medianMs),
      formatMs(live.p95Ms),
      '',
    ]);

    for (const dashboardCase of cases) {
      const timing = await timeRepeated(() => get(dashboardCase.query), runs);
      rows.push([
        'loaded',
        `dashboard, ${dashboardCase.name}`,
        'insights',
        formatMs(timing.medianMs),
        formatMs(timing.p95Ms),
        timing.p95Ms < GOAL_MS ? 'yes' : 'no',
      ]);
    }
    printTable(
      `KPI dashboard — ${formatNumber(size)} reports, ${formatNumber(messages)} inbox messages (${env.kind}); goal < ${GOAL_MS} ms`,
      ['data', 'what', 'kind', 'median ms', 'p95 ms', 'goal met'],
      rows,
    );
  } finally {
    ctx.jobs.start();
  }
}
