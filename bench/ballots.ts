/**
 * `npx node bench/ballots.ts [--postgres] [--seconds=N] [--voters=N] [--ballots=N] [--rounds=N] [--profile]`, or
 * `npm run bench -- --only=ballots [--postgres] [--seconds=N] [--quick]`
 *
 * Ballots of participatory budgets (issue 4), on the real platform with the demo city (scratch database
 * from bench/setup.ts, PGlite or PostgreSQL, removed afterwards):
 *   1. 200 voters (each with their own verified account and session) change their ballot again and
 *      again at the same time through `PUT /api/v1/budgets/{id}/headings/{id}/ballot`. The bare
 *      server's one-row insert route is driven by the same load generator with the same lanes,
 *      headers and JSON bodies and the same database pool, in alternating rounds (bare, ballot, bare,
 *      ballot …) so that other work on the machine weighs on both alike. Then the database is compared
 *      with what the acknowledged answers say it must hold: exactly one ballot per voter who got a
 *      200, holding the choice of their last 200, and per-project counts to match.
 *      Latency is measured where the goal puts it: with ballots arriving (open loop, Poisson) at half
 *      the bare insert's throughput from the same 200 voters — at saturation, with every voter sending
 *      back to back, latency is bounded below by voters ÷ throughput for any route (Little's law) and
 *      is shown for information only.
 *   2. N ballots in one heading (400,000 by default): time to compute winners by votes (goal < 1 s)
 *      and the Method of Equal Shares with its completion (goal < 10 s), from the database.
 * Not part of `npm test`: it prints figures, it does not pass or fail.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { sql } from 'kysely';
import pg from 'pg';
import { computeHeadingResults } from '../src/modules/budgets/results.use-cases.ts';
import { findBudget, findHeading } from '../src/modules/budgets/budgets.repository.ts';
import { countVotes } from '../src/modules/budgets/results.repository.ts';
import {
  addHeading,
  createBudget,
  saveProject,
  type BudgetInput,
} from '../src/modules/budgets/budget-admin.use-cases.ts';
import { createSession } from '../src/platform/auth/sessions.ts';
import { findViewer } from '../src/platform/auth/users.ts';
import { csrfTokenFor } from '../src/platform/http/app.ts';
import { runRound, type Lane, type MeasuredRound } from './ballots-load.ts';
import {
  formatMs,
  formatNumber,
  formatPercent,
  percentile,
  printTable,
  printProfile,
  progress,
  watchStalls,
  type Stalls,
} from './lib.ts';
import { startEnvironment, type BenchEnvironment } from './setup.ts';

export interface BallotsOptions {
  seconds: number;
  voters: number;
  ballots: number;
  /** Rounds per route; bare and ballot rounds alternate. */
  rounds: number;
  /** Print where the server thread spends its time during the first ballot round. */
  profile?: boolean;
}

const PROJECTS = 30;
const MAX_PROJECTS = 5;
const THROUGHPUT_GOAL = 0.5;
const P99_GOAL_MS = 100;

function parse(argv: readonly string[]): BallotsOptions & { postgres: boolean } {
  const value = (name: string, fallback: number): number => {
    const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number from 1`);
    return parsed;
  };
  for (const arg of argv)
    if (arg !== '--postgres' && arg !== '--profile' && !/^--(seconds|voters|ballots|rounds)=/.test(arg))
      throw new Error(`Unknown option ${arg}`);
  return {
    postgres: argv.includes('--postgres'),
    profile: argv.includes('--profile'),
    seconds: value('seconds', 10),
    voters: value('voters', 200),
    ballots: value('ballots', 400_000),
    rounds: value('rounds', 2),
  };
}

const BUDGET: BudgetInput = {
  title: { en: 'Bench budget' },
  description: {},
  processId: null,
  votingRule: 'approval',
  maxProjects: MAX_PROJECTS,
  maxVotes: null,
  maxVotesPerProject: null,
  minShare: null,
  resultsMethod: 'votes',
  eligibilityLevel: 'verified',
  minAge: 14,
  maxAge: null,
  districtResidentsOnly: false,
  phaseOverride: 'balloting',
};

/** A budget in its balloting phase with one city-wide heading and PROJECTS projects. */
async function createBenchBudget(env: BenchEnvironment, amount: number, costs: (i: number) => number) {
  const ctx = env.platform.ctx;
  const adminRow = await ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('organisation_id', '=', env.city.id)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  const admin = await findViewer(ctx.db, env.city.id, adminRow.id);
  if (!admin) throw new Error('no administrator');
  const budget = await createBudget(ctx, admin, env.city, BUDGET);
  if (!budget.ok) throw new Error(JSON.stringify(budget.fields));
  const heading = await addHeading(ctx, admin, env.city, budget.id, {
    name: { en: 'Whole city' },
    districtId: null,
    amount,
  });
  if (!heading.ok) throw new Error(JSON.stringify(heading.fields));
  const projectIds: number[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const saved = await saveProject(ctx, admin, env.city, budget.id, null, {
      headingId: heading.id,
      title: { en: `Project ${i + 1}` },
      description: {},
      cost: costs(i),
      feasibility: 'feasible',
      feasibilityExplanation: {},
      status: 'selected',
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.fields));
    projectIds.push(saved.id);
  }
  return { budgetId: budget.id, headingId: heading.id, projectIds };
}

/** Creates verified voters with open sessions; returns what each load lane sends. */
async function createVoters(env: BenchEnvironment, count: number, prefix: string): Promise<Lane[]> {
  const db = env.platform.ctx.db;
  await sql`insert into core_user (organisation_id, email, display_name, role, email_confirmed_at)
    select ${env.city.id}, ${prefix} || g || '@bench.example', 'Bench voter ' || g, 'resident', now() from generate_series(1, ${count}) g`.execute(
    db,
  );
  const users = await db
    .selectFrom('core_user')
    .select('id')
    .where('email', 'like', `${prefix}%@bench.example`)
    .orderBy('id')
    .execute();
  await sql`insert into verification_identity (user_id, organisation_id, method, identity_hash, birth_year)
    select u.id, ${env.city.id}, 'in_person', 'bench-' || u.id, 1980 from core_user u where u.email like ${`${prefix}%@bench.example`}`.execute(
    db,
  );
  const lanes: Lane[] = [];
  for (const user of users) {
    const token = await createSession(db, env.city.id, user.id, 1);
    lanes.push({
      cookie: `ic_session=${token}`,
      csrf: csrfTokenFor(env.platform.ctx.config.secretKey, token),
      userId: user.id,
    });
  }
  return lanes;
}

/** The pids of the PostgreSQL backends serving the bench database (the platform's pool), for their CPU time. */
function backendFinder(env: BenchEnvironment): { find: () => Promise<number[]>; close: () => Promise<void> } {
  const url = env.platform.ctx.config.databaseUrl;
  if (env.kind !== 'postgres' || !url) return { find: async () => [], close: async () => {} };
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  return {
    async find() {
      await connected;
      const result = await client.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
      );
      return result.rows.map((row) => row.pid);
    },
    close: () => connected.then(() => client.end()),
  };
}

interface RouteFigures {
  requestsPerSecond: number;
  latencies: number[];
  errors: number;
  serverCpuMs: number;
  databaseCpuMs: number;
  /** Backends that ended during a window (their CPU is missing: the figure is then a lower bound). */
  backendsLost: number;
  generatorCpuMs: number;
  requests: number;
}

function sum(rounds: readonly MeasuredRound[]): RouteFigures {
  const elapsed = rounds.reduce((total, r) => total + r.elapsed, 0);
  const acknowledged = rounds.reduce((total, r) => total + r.acknowledged, 0);
  return {
    requestsPerSecond: acknowledged / elapsed,
    latencies: rounds.flatMap((r) => r.latencies).sort((a, b) => a - b),
    errors: rounds.reduce((total, r) => total + r.errors, 0),
    serverCpuMs: rounds.reduce((total, r) => total + r.serverCpuMs, 0),
    databaseCpuMs: rounds.reduce((total, r) => total + r.databaseCpuMs, 0),
    backendsLost: rounds.reduce((total, r) => total + r.backendsLost, 0),
    generatorCpuMs: rounds.reduce((total, r) => total + r.generatorCpuMs, 0),
    requests: rounds.reduce((total, r) => total + r.latencies.length, 0),
  };
}

function row(label: string, figures: RouteFigures, versus: string, kind: BenchEnvironment['kind']): string[] {
  const perRequest = (ms: number) => (figures.requests > 0 ? (ms / figures.requests).toFixed(3) : '–');
  return [
    label,
    formatNumber(figures.requestsPerSecond),
    formatMs(percentile(figures.latencies, 0.5)),
    formatMs(percentile(figures.latencies, 0.95)),
    formatMs(percentile(figures.latencies, 0.99)),
    formatNumber(figures.errors),
    perRequest(figures.serverCpuMs),
    kind === 'postgres' ? `${figures.backendsLost > 0 ? '≥ ' : ''}${perRequest(figures.databaseCpuMs)}` : 'in server',
    perRequest(figures.generatorCpuMs),
    versus,
  ];
}

/** Part 1: bare insert against the ballot PUT, alternating, then the integrity check; prints its tables. */
export async function benchConcurrentVoters(env: BenchEnvironment, options: BallotsOptions): Promise<void> {
  const { budgetId, headingId, projectIds } = await createBenchBudget(env, 10_000_000, (i) => 100_000 + i * 10_000);
  const lanes = await createVoters(env, options.voters, 'load');
  const backends = backendFinder(env);
  const bare: MeasuredRound[] = [];
  const ballots: MeasuredRound[] = [];
  const last = new Map<number, number[]>();
  try {
    const common = { lanes, projectIds, maxProjects: MAX_PROJECTS, seconds: options.seconds, warmupSeconds: 2 };
    for (let round = 1; round <= options.rounds; round++) {
      progress(`round ${round}/${options.rounds}: bare insert for ${options.seconds} s, ${lanes.length} in flight`);
      bare.push(await runRound({ ...common, url: `${env.bareUrl}/db/insert`, method: 'POST' }, backends.find));
      progress(`round ${round}/${options.rounds}: ballots for ${options.seconds} s, ${lanes.length} voters`);
      const vote = () =>
        runRound(
          { ...common, url: `${env.url}/api/v1/budgets/${budgetId}/headings/${headingId}/ballot`, method: 'PUT' },
          backends.find,
        );
      const voted =
        options.profile && round === 1
          ? await printProfile(
              'Where the server thread spends its time during ballot round 1 (self time, sampled every 0.1 ms; includes the bare server and the bench)',
              vote,
            )
          : await vote();
      ballots.push(voted);
      for (const [userId, projects] of voted.lastAcknowledged) last.set(userId, projects);
    }
  } finally {
    await backends.close();
  }

  const bareFigures = sum(bare);
  const ballotFigures = sum(ballots);
  const ratio = ballotFigures.requestsPerSecond / bareFigures.requestsPerSecond;

  // Latency at the throughput the first goal asks for: ballots arriving at half the bare insert's
  // rate from the same 200 voters (open loop), and the bare route at that same rate beside them.
  const rate = Math.round(THROUGHPUT_GOAL * bareFigures.requestsPerSecond);
  const openBackends = backendFinder(env);
  let openBare: MeasuredRound;
  let openBallots: MeasuredRound;
  let bareStalls: Stalls;
  let ballotStalls: Stalls;
  try {
    const common = {
      lanes,
      projectIds,
      maxProjects: MAX_PROJECTS,
      seconds: options.seconds,
      warmupSeconds: 2,
      ratePerSecond: rate,
    };
    progress(`open loop: bare insert at ${rate}/s for ${options.seconds} s`);
    let stop = watchStalls();
    openBare = await runRound({ ...common, url: `${env.bareUrl}/db/insert`, method: 'POST' }, openBackends.find);
    bareStalls = stop();
    progress(`open loop: ballots at ${rate}/s for ${options.seconds} s`);
    stop = watchStalls();
    openBallots = await runRound(
      { ...common, url: `${env.url}/api/v1/budgets/${budgetId}/headings/${headingId}/ballot`, method: 'PUT' },
      openBackends.find,
    );
    ballotStalls = stop();
    for (const [userId, projects] of openBallots.lastAcknowledged) last.set(userId, projects);
  } finally {
    await openBackends.close();
  }
  const openBareFigures = sum([openBare]);
  const openFigures = sum([openBallots]);
  const p99 = percentile(openFigures.latencies, 0.99);
  const closedP99 = percentile(ballotFigures.latencies, 0.99);
  const rows: string[][] = [];
  for (let i = 0; i < options.rounds; i++) {
    const b = sum([bare[i] as MeasuredRound]);
    const v = sum([ballots[i] as MeasuredRound]);
    rows.push(row(`round ${i + 1}: bare POST /db/insert`, b, '100 %', env.kind));
    rows.push(
      row(`round ${i + 1}: PUT …/ballot`, v, formatPercent(v.requestsPerSecond / b.requestsPerSecond), env.kind),
    );
  }
  rows.push(row('all rounds: bare POST /db/insert', bareFigures, '100 %', env.kind));
  rows.push(row('all rounds: PUT …/ballot', ballotFigures, formatPercent(ratio), env.kind));
  printTable(
    `Ballots: ${lanes.length} concurrent voters (${env.kind}), ${options.rounds} × ${options.seconds} s per route, alternating; same load generator, lanes, headers, bodies and database pool for both`,
    [
      'Route',
      'Requests/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Errors',
      'Server CPU ms/req',
      'PostgreSQL CPU ms/req',
      'Client CPU ms/req',
      'vs bare insert',
    ],
    rows,
  );
  printTable(
    `Ballots: latency at ${formatNumber(rate)} requests/s (${formatPercent(THROUGHPUT_GOAL)} of the bare insert's throughput above), open loop: Poisson arrivals, each taken by one of the ${lanes.length} voters not waiting for an answer; latency from the arrival`,
    [
      'Route',
      'Requests/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Errors',
      'Server CPU ms/req',
      'PostgreSQL CPU ms/req',
      'Client CPU ms/req',
      '',
    ],
    [row('bare POST /db/insert', openBareFigures, '', env.kind), row('PUT …/ballot', openFigures, '', env.kind)],
  );
  const stallRow = (label: string, stalls: Stalls) => [
    label,
    formatMs(stalls.loopDelayP99Ms),
    formatMs(stalls.loopDelayMaxMs),
    formatMs(stalls.gcPauseMs),
    formatMs(stalls.gcLongestMs),
  ];
  printTable(
    'The server thread during the open-loop rounds (warm-up included): a request waits as long as the event loop is held up',
    ['Round', 'loop delay p99 ms', 'loop delay max ms', 'GC pauses ms in all', 'longest GC pause ms'],
    [stallRow('bare POST /db/insert', bareStalls), stallRow('PUT …/ballot', ballotStalls)],
  );
  const firstError =
    [...ballots, openBallots].find((r) => r.firstError)?.firstError ??
    [...bare, openBare].find((r) => r.firstError)?.firstError;
  if (firstError) console.log(`first error: ${firstError}`);

  // What the acknowledged answers say the database must hold, against what it holds — exactly.
  const expected = new Map<number, number>();
  for (const projects of last.values()) for (const id of projects) expected.set(id, (expected.get(id) ?? 0) + 1);
  const counted = await countVotes(env.platform.ctx.db, headingId);
  const stored = await env.platform.ctx.db
    .selectFrom('budgets_ballot')
    .select(['user_id', 'project_ids'])
    .where('heading_id', '=', headingId)
    .execute();
  const mismatches = projectIds.filter((id) => (counted.get(id)?.ballots ?? 0) !== (expected.get(id) ?? 0));
  const differingBallots = stored.filter(
    (ballot) =>
      JSON.stringify(ballot.project_ids) !==
      JSON.stringify(ballot.user_id === null ? undefined : last.get(ballot.user_id)),
  ).length;
  const countsMatch = stored.length === last.size && mismatches.length === 0 && differingBallots === 0;
  const acknowledged = [...ballots, openBallots].reduce((total, r) => total + r.acknowledged, 0);
  printTable(
    'Ballots: integrity after the run',
    ['Check', 'Value'],
    [
      ['acknowledged PUTs (200) in the measured windows', formatNumber(acknowledged)],
      ['voters with an acknowledged ballot', formatNumber(last.size)],
      ['ballot rows in the database', formatNumber(stored.length)],
      ["stored ballots differing from the voter's last acknowledged choice", formatNumber(differingBallots)],
      ['projects whose count differs from the last acknowledged ballots', formatNumber(mismatches.length)],
      ['counted ballots equal acknowledged ballots', countsMatch ? 'yes, exactly' : 'NO'],
    ],
  );
  printTable(
    'Ballots: goals',
    ['Goal', 'Measured', 'Verdict'],
    [
      [
        `throughput ≥ ${formatPercent(THROUGHPUT_GOAL)} of the bare insert`,
        formatPercent(ratio),
        ratio >= THROUGHPUT_GOAL ? 'met' : 'MISSED',
      ],
      [
        `p99 < ${P99_GOAL_MS} ms at ${formatPercent(THROUGHPUT_GOAL)} of the bare insert's throughput (open loop)`,
        `${formatMs(p99)} ms`,
        p99 < P99_GOAL_MS ? 'met' : 'MISSED',
      ],
      [
        `(for information) p99 at saturation, ${lanes.length} voters sending back to back`,
        `${formatMs(closedP99)} ms (bare insert ${formatMs(percentile(bareFigures.latencies, 0.99))} ms)`,
        `at least ${lanes.length} ÷ throughput`,
      ],
      ['counts equal acknowledged ballots', countsMatch ? 'yes' : 'NO', countsMatch ? 'met' : 'MISSED'],
    ],
  );
}

function randomMask(random: () => number): number {
  const count = 1 + Math.floor(random() * MAX_PROJECTS);
  let mask = 0;
  let chosen = 0;
  while (chosen < count) {
    const index = Math.min(PROJECTS - 1, Math.floor(PROJECTS * random() ** 2));
    if ((mask & (1 << index)) === 0) {
      mask |= 1 << index;
      chosen++;
    }
  }
  return mask;
}

async function benchResults(env: BenchEnvironment, options: BallotsOptions): Promise<void> {
  const db = env.platform.ctx.db;
  const costs = (i: number) => 150_000 + ((i * 7919) % 20) * 25_000;
  const { budgetId, headingId, projectIds } = await createBenchBudget(env, 6_000_000, costs);
  progress(`loading ${formatNumber(options.ballots)} voters and ballots`);
  const started = performance.now();
  await sql`insert into core_user (organisation_id, email, display_name, role, email_confirmed_at)
    select ${env.city.id}, null, 'Results voter ' || g, 'resident', now() from generate_series(1, ${options.ballots}) g`.execute(
    db,
  );
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const masks = Array.from({ length: options.ballots }, () => randomMask(random));
  const costList = projectIds.map((_, i) => costs(i));
  for (let start = 0; start < masks.length; start += 50_000) {
    const batch = masks.slice(start, start + 50_000);
    await sql`
      with u as (select id, row_number() over (order by id) as n from core_user where organisation_id = ${env.city.id} and display_name like 'Results voter %'),
      m as (select mask, ord + ${start} as n from unnest(${batch}::int[]) with ordinality as t(mask, ord))
      insert into budgets_ballot (organisation_id, budget_id, heading_id, user_id, district_heading, project_ids, votes, total_cost)
      select ${env.city.id}, ${budgetId}, ${headingId}, u.id, false,
        array(select (${projectIds}::int[])[i + 1] from generate_series(0, ${PROJECTS - 1}) i where (m.mask >> i) & 1 = 1 order by i),
        array(select 1 from generate_series(0, ${PROJECTS - 1}) i where (m.mask >> i) & 1 = 1),
        (select coalesce(sum((${costList}::int[])[i + 1]), 0) from generate_series(0, ${PROJECTS - 1}) i where (m.mask >> i) & 1 = 1)
      from m join u using (n)`.execute(db);
  }
  if (env.kind === 'postgres') await sql`analyze budgets_ballot`.execute(db);
  progress(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const budget = await findBudget(db, env.city.id, budgetId);
  const heading = await findHeading(db, budgetId, headingId);
  if (!budget || !heading) throw new Error('bench budget vanished');
  const groups = await sql<{
    n: number;
  }>`select count(distinct project_ids)::int as n from budgets_ballot where heading_id = ${headingId}`.execute(db);
  const rows: string[][] = [];
  for (const method of ['votes', 'equal_shares'] as const) {
    const runs: number[] = [];
    let funded = 0;
    let spent = 0;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const outcome = await computeHeadingResults(db, { ...budget, resultsMethod: method }, heading);
      runs.push(performance.now() - start);
      funded = outcome.rows.filter((r) => r.funded).length;
      spent = outcome.spent;
      if (outcome.voters !== options.ballots)
        throw new Error(`counted ${outcome.voters} voters, loaded ${options.ballots}`);
    }
    runs.sort((a, b) => a - b);
    rows.push([
      method === 'votes' ? 'winners by votes' : 'Method of Equal Shares + completion',
      formatMs(runs[1] as number),
      formatMs(runs[0] as number),
      method === 'votes' ? '< 1,000' : '< 10,000',
      formatNumber(funded),
      formatNumber(spent),
    ]);
  }
  printTable(
    `Results for ${formatNumber(options.ballots)} ballots in one heading (${PROJECTS} projects, ${formatNumber(groups.rows[0]?.n ?? 0)} distinct choices, ${env.kind}); from the database, median of 3`,
    ['Method', 'Median ms', 'Fastest ms', 'Goal ms', 'Funded', 'Spent'],
    rows,
  );
}

/** Both parts on an environment that is already running (used by bench/run.ts `--only=ballots`). */
export async function benchBallots(env: BenchEnvironment, options: BallotsOptions): Promise<void> {
  await benchConcurrentVoters(env, options);
  await benchResults(env, options);
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  console.log(
    `Interactive City ballots bench — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${options.postgres ? 'PostgreSQL' : 'PGlite'}, load average ${os.loadavg()[0]?.toFixed(1)} at start`,
  );
  let env: BenchEnvironment | undefined;
  process.once('SIGINT', () => {
    progress('interrupted: removing the scratch database');
    void (env?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  try {
    env = await startEnvironment({ postgres: options.postgres });
    progress(`platform ready in ${env.startSeconds.toFixed(1)} s`);
    await benchBallots(env, options);
  } finally {
    console.log(
      `\nLoad average at the end: ${os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(', ')} (1, 5, 15 min) on ${os.cpus().length} cores.`,
    );
    await env?.close();
  }
}

// Run directly (not when bench/run.ts imports this file).
if (isMainThread && process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
