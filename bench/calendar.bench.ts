/**
 * The editorial calendar (issue 15) with 5,000 posts in one month — `--only=calendar`. Goal: the month view
 * under 100 ms on both databases.
 *
 * Posts are written in bulk with SQL (as a busy newsroom's month would leave them: every state, texts in two
 * languages, one or two destinations each, departments and campaigns), then `GET /staff/publishing/calendar`
 * is timed over real HTTP as an administrator: the month view, with the department and channel filters, the
 * week view and the agenda (which carries a date and time field per post). The embedded database's planner
 * statistics are refreshed after the load, as the platform does on a schedule and after bulk changes.
 * Baselines in the same run: the bare Fastify server's `GET /ok`, the month view at the demo's size before
 * the load, and the bare SQL reading the month's posts (ids and dates only, no texts or destinations). The
 * calendar's own statement is timed alone too (the month grid reads four posts a day and counts the rest).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createSession, SESSION_COOKIE } from '../src/platform/auth/sessions.ts';
import { refreshStatistics } from '../src/platform/db/statistics.ts';
import { findCalendarPosts } from '../src/modules/publishing/calendar.repository.ts';
import { dayIn, startOfDay } from '../src/platform/i18n/days.ts';
import { formatMs, formatNumber, printTable, progress, timeRepeated, type BenchOptions } from './lib.ts';
import type { BenchEnvironment } from './setup.ts';

const GOAL_MS = 100;
const POSTS = 5_000;

export async function benchCalendar(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const ctx = env.platform.ctx;
  const db = ctx.db;
  await ctx.jobs.stop();
  const admin = await db
    .selectFrom('core_user')
    .select('id')
    .where('organisation_id', '=', env.city.id)
    .where('role', '=', 'admin')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const token = await createSession(db, env.city.id, admin.id, 1);
  const department = await db
    .selectFrom('core_department')
    .select('slug')
    .where('organisation_id', '=', env.city.id)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  // the month after this one: all of it in the future, as planned posts are
  const today = dayIn(new Date(), env.city.timeZone);
  const month = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1)).toISOString().slice(0, 7);
  const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
  const first = `${month}-01`;
  const from = startOfDay(first, env.city.timeZone);
  const to = startOfDay(next, env.city.timeZone);
  const get = async (query: string): Promise<void> => {
    const response = await fetch(`${env.url}/staff/publishing/calendar?${query}`, {
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    if (response.status !== 200) throw new Error(`GET /staff/publishing/calendar?${query} answered ${response.status}`);
    await response.arrayBuffer();
  };
  const runs = options.quick ? 10 : 30;
  const rows: string[][] = [];
  const bareOk = await timeRepeated(async () => (await fetch(`${env.bareUrl}/ok`)).arrayBuffer(), runs);
  rows.push(['bare Fastify GET /ok', 'baseline', formatMs(bareOk.medianMs), formatMs(bareOk.p95Ms), '']);
  const demo = await timeRepeated(() => get(`view=month&date=${first}`), runs);
  rows.push(['month view, demo size', 'baseline', formatMs(demo.medianMs), formatMs(demo.p95Ms), '']);

  const started = performance.now();
  await loadPosts(env, from, to);
  progress(`${formatNumber(POSTS)} posts loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (env.kind === 'pglite') await refreshStatistics(db);
  const count = await sql<{ n: number }>`select count(*)::int as n from publishing_post
    where organisation_id = ${env.city.id} and coalesce(published_at, scheduled_at) >= ${from}
    and coalesce(published_at, scheduled_at) < ${to}`.execute(db);
  progress(`${formatNumber(count.rows[0]?.n ?? 0)} posts in the month ${month}`);
  const bare = await timeRepeated(
    () =>
      sql`select id, coalesce(published_at, scheduled_at) as at from publishing_post
        where organisation_id = ${env.city.id} and coalesce(published_at, scheduled_at) >= ${from}
        and coalesce(published_at, scheduled_at) < ${to} order by 2, 1`.execute(db),
    runs,
  );
  rows.push(['bare SQL: the month’s post ids', 'baseline', formatMs(bare.medianMs), formatMs(bare.p95Ms), '']);
  // the month grid's statement alone (four posts a day, the others counted), without HTTP or rendering
  const statement = await timeRepeated(
    () =>
      findCalendarPosts(
        db,
        env.city.id,
        { from, to },
        {},
        { language: 'en', fallback: 'en' },
        { timeZone: env.city.timeZone, perDay: 4 },
      ),
    runs,
  );
  rows.push([
    'the month’s statement alone',
    `${formatNumber(POSTS)} posts`,
    formatMs(statement.medianMs),
    formatMs(statement.p95Ms),
    '',
  ]);
  // the agenda's statement alone: four weeks from the first, whole days up to 100 posts (as the page asks)
  const agendaStatement = await timeRepeated(
    () =>
      findCalendarPosts(
        db,
        env.city.id,
        { from, to: new Date(from.getTime() + 28 * 86_400_000) },
        {},
        { language: 'en', fallback: 'en' },
        { timeZone: env.city.timeZone, total: 100 },
      ),
    runs,
  );
  rows.push([
    'the agenda’s statement alone',
    `${formatNumber(POSTS)} posts`,
    formatMs(agendaStatement.medianMs),
    formatMs(agendaStatement.p95Ms),
    '',
  ]);
  const cases: Array<[string, string]> = [
    ['month view', `view=month&date=${first}`],
    ['month view, one department', `view=month&date=${first}&department=${department.slug}`],
    ['month view, channel mastodon', `view=month&date=${first}&channel=mastodon`],
    ['week view', `view=week&date=${month}-10`],
    ['agenda (4 weeks, a move form per post)', `view=agenda&date=${first}`],
  ];
  for (const [name, query] of cases) {
    const timing = await timeRepeated(() => get(query), runs);
    rows.push([
      name,
      `${formatNumber(POSTS)} posts`,
      formatMs(timing.medianMs),
      formatMs(timing.p95Ms),
      name === 'month view' ? (timing.p95Ms < GOAL_MS ? 'yes' : 'NO') : '',
    ]);
  }
  printTable(
    `Editorial calendar with ${formatNumber(POSTS)} posts in one month (${env.kind}, ${runs} runs each)`,
    ['page', 'size', 'p50 ms', 'p95 ms', `month p95 < ${GOAL_MS} ms`],
    rows,
  );
}

/** 5,000 posts over the month: every state, a text in English and Italian, one or two destinations each. */
async function loadPosts(env: BenchEnvironment, from: Date, to: Date): Promise<void> {
  const db = env.platform.ctx.db;
  const city = env.city.id;
  for (const [kind, key] of [
    ['web', 'news'],
    ['mastodon', 'bench-mastodon'],
    ['telegram', 'bench-telegram'],
  ] as const) {
    await sql`insert into publishing_destination (organisation_id, kind, key, name)
      values (${city}, ${kind}, ${key}, ${key}) on conflict (organisation_id, kind, key) do nothing`.execute(db);
  }
  const span = to.getTime() - from.getTime();
  await sql`
    insert into publishing_post (organisation_id, department_id, campaign_id, kind, state, slug, scheduled_at, published_at)
    select ${city}::int,
      (select id from core_department where organisation_id = ${city} order by id offset (g % 5) limit 1),
      null,
      case when g % 3 = 0 then 'article' else 'post' end,
      (array['draft','in_review','changes_requested','approved','scheduled','scheduled','published','published'])[1 + g % 8],
      'bench-calendar-' || g,
      ${from}::timestamptz + g::bigint * ${Math.floor(span / POSTS)}::bigint * interval '1 millisecond',
      case when g % 8 >= 6 then ${from}::timestamptz + g::bigint * ${Math.floor(span / POSTS)}::bigint * interval '1 millisecond' end
    from generate_series(1, ${POSTS}) g`.execute(db);
  await sql`
    insert into publishing_post_text (organisation_id, post_id, language, title, body)
    select ${city}::int, p.id, l.language, 'Post ' || p.id || ' — ' || l.language, 'Text of post ' || p.id
    from publishing_post p cross join (values ('en'), ('it')) l(language)
    where p.organisation_id = ${city} and p.slug like 'bench-calendar-%'`.execute(db);
  await sql`
    insert into publishing_post_destination (organisation_id, post_id, destination_id)
    select ${city}::int, p.id, d.id from publishing_post p
    join publishing_destination d on d.organisation_id = ${city}
      and d.kind = (array['web','mastodon','telegram'])[1 + p.id % 3]
    where p.organisation_id = ${city} and p.slug like 'bench-calendar-%'
    union
    select ${city}::int, p.id, d.id from publishing_post p
    join publishing_destination d on d.organisation_id = ${city} and d.kind = 'mastodon'
    where p.organisation_id = ${city} and p.slug like 'bench-calendar-%' and p.id % 2 = 0`.execute(db);
}
