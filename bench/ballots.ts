/**
 * `npx node bench/ballots.ts [--postgres] [--seconds=N] [--voters=N] [--ballots=N]`
 *
 * Ballots of participatory budgets (issue 4), on the real platform with the demo city (scratch database
 * from bench/setup.ts, removed afterwards):
 *   1. 200 voters (each with their own session) change their ballot again and again at the same time
 *      through `PUT /api/v1/budgets/{id}/headings/{id}/ballot`; throughput and latency are compared with
 *      the bare server's one-row insert route, run in the same process with the same concurrency. Then
 *      the counts in the database are compared with what the acknowledged answers say they should be:
 *      one ballot per voter who got a 200, holding the choice of their last 200.
 *   2. 400,000 ballots in one heading: time to compute winners by votes (goal < 1 s) and the Method of
 *      Equal Shares with its completion (goal < 10 s), each from the database, as publishing does.
 * Not part of `npm test`: it prints figures, it does not pass or fail.
 */
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { sql } from 'kysely';
import { computeHeadingResults } from '../src/modules/budgets/results.use-cases.ts';
import { countVotes, findBudget, findHeading } from '../src/modules/budgets/budgets.repository.ts';
import { addHeading, createBudget, saveProject, type BudgetInput } from '../src/modules/budgets/manage-budget.ts';
import { createSession } from '../src/platform/auth/sessions.ts';
import { findViewer } from '../src/platform/auth/users.ts';
import { csrfTokenFor } from '../src/platform/http/app.ts';
import { formatMs, formatNumber, formatPercent, percentile, printTable, progress } from './lib.ts';
import { startEnvironment, type BenchEnvironment } from './setup.ts';

interface Options {
  postgres: boolean;
  seconds: number;
  voters: number;
  ballots: number;
}

function parse(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number from 1`);
    return parsed;
  };
  for (const arg of argv) if (arg !== '--postgres' && !/^--(seconds|voters|ballots)=/.test(arg)) throw new Error(`Unknown option ${arg}`);
  return { postgres: argv.includes('--postgres'), seconds: value('seconds', 10), voters: value('voters', 200), ballots: value('ballots', 400_000) };
}

const PROJECTS = 30;
const MAX_PROJECTS = 5;

// ---------------------------------------------------------------------------------------------------
// Load worker: one lane per voter, each sending its next ballot as soon as the previous one is answered.

interface LaneInput {
  cookie: string;
  csrf: string;
  userId: number;
}

interface WorkerInput {
  url: string;
  method: 'PUT' | 'POST';
  lanes: LaneInput[];
  projectIds: number[];
  seconds: number;
  warmupSeconds: number;
}

interface WorkerOutput {
  latencies: number[];
  acknowledged: number;
  errors: number;
  firstError: string | null;
  elapsed: number;
  /** Per voter who got at least one 200: the projects of their last acknowledged ballot. */
  lastAcknowledged: Array<[number, number[]]>;
}

function randomChoice(projectIds: readonly number[]): number[] {
  const count = 1 + Math.floor(Math.random() * MAX_PROJECTS);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(projectIds[Math.floor(Math.random() * projectIds.length)] as number);
  return [...chosen];
}

async function loadWorker(input: WorkerInput): Promise<WorkerOutput> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.lanes.length });
  const send = (lane: LaneInput, projects: number[]): Promise<{ status: number; ms: number; body: string }> =>
    new Promise((resolve) => {
      const body = JSON.stringify({ projects });
      const start = performance.now();
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      if (lane.cookie) Object.assign(headers, { cookie: lane.cookie, 'x-csrf-token': lane.csrf });
      const request = http.request(input.url, { method: input.method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - start, body: Buffer.concat(chunks).toString('utf8') }));
      });
      request.on('error', (error) => resolve({ status: 0, ms: performance.now() - start, body: error.message }));
      request.end(body);
    });

  const last = new Map<number, number[]>();
  const round = async (seconds: number, record: boolean) => {
    const latencies: number[] = [];
    let acknowledged = 0;
    let errors = 0;
    let firstError: string | null = null;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      input.lanes.map(async (lane) => {
        while (performance.now() < deadline) {
          const projects = randomChoice(input.projectIds);
          const answer = await send(lane, projects);
          if (answer.status === 200) {
            last.set(lane.userId, [...projects].sort((a, b) => a - b));
            acknowledged++;
          } else {
            errors++;
            firstError ??= `${answer.status} ${answer.body.slice(0, 200)}`;
          }
          if (record) latencies.push(answer.ms);
        }
      }),
    );
    return { latencies, acknowledged, errors, firstError, elapsed: (performance.now() - start) / 1000 };
  };
  await round(input.warmupSeconds, false);
  const measured = await round(input.seconds, true);
  agent.destroy();
  return { ...measured, lastAcknowledged: [...last] };
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(await loadWorker(workerData as WorkerInput));
}

function runVoters(input: WorkerInput): Promise<WorkerOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: input });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------

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
  const adminRow = await ctx.db.selectFrom('core_user').select('id').where('organisation_id', '=', env.city.id).where('role', '=', 'admin').executeTakeFirstOrThrow();
  const admin = await findViewer(ctx.db, env.city.id, adminRow.id);
  if (!admin) throw new Error('no administrator');
  const budget = await createBudget(ctx, admin, env.city, BUDGET);
  if (!budget.ok) throw new Error(JSON.stringify(budget.errors));
  const heading = await addHeading(ctx, admin, env.city, budget.id, { name: { en: 'Whole city' }, districtId: null, amount });
  if (!heading.ok) throw new Error(JSON.stringify(heading.errors));
  const projectIds: number[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const saved = await saveProject(ctx, admin, env.city, budget.id, null, { headingId: heading.id, title: { en: `Project ${i + 1}` }, description: {}, cost: costs(i), feasibility: 'feasible', feasibilityExplanation: {}, status: 'selected' });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    projectIds.push(saved.id);
  }
  return { budgetId: budget.id, headingId: heading.id, projectIds };
}

/** Creates verified voters with open sessions; returns what each load lane sends. */
async function createVoters(env: BenchEnvironment, count: number, prefix: string): Promise<LaneInput[]> {
  const db = env.platform.ctx.db;
  await sql`insert into core_user (organisation_id, email, display_name, role, email_confirmed_at)
    select ${env.city.id}, ${prefix} || g || '@bench.example', 'Bench voter ' || g, 'resident', now() from generate_series(1, ${count}) g`.execute(db);
  const users = await db.selectFrom('core_user').select('id').where('email', 'like', `${prefix}%@bench.example`).orderBy('id').execute();
  await sql`insert into verification_identity (user_id, organisation_id, method, identity_hash, birth_year)
    select u.id, ${env.city.id}, 'in_person', 'bench-' || u.id, 1980 from core_user u where u.email like ${`${prefix}%@bench.example`}`.execute(db);
  const lanes: LaneInput[] = [];
  for (const user of users) {
    const token = await createSession(db, env.city.id, user.id, 1);
    lanes.push({ cookie: `ic_session=${token}`, csrf: csrfTokenFor(env.platform.ctx.config.secretKey, token), userId: user.id });
  }
  return lanes;
}

async function benchConcurrentVoters(env: BenchEnvironment, options: Options): Promise<void> {
  const { budgetId, headingId, projectIds } = await createBenchBudget(env, 10_000_000, (i) => 100_000 + i * 10_000);
  const lanes = await createVoters(env, options.voters, 'load');
  progress(`${lanes.length} voters ready; bare insert baseline for ${options.seconds} s at ${options.voters} in flight`);
  // The same load generator and concurrency for both: one lane per voter, the next request sent as soon
  // as the previous one is answered. The bare route ignores the body and inserts one row.
  const bareLanes = lanes.map((lane) => ({ cookie: '', csrf: '', userId: lane.userId }));
  const bareRun = await runVoters({ url: `${env.bareUrl}/db/insert`, method: 'POST', lanes: bareLanes, projectIds, seconds: options.seconds, warmupSeconds: 2 });
  const bareLatencies = bareRun.latencies.sort((a, b) => a - b);
  const bare = { requestsPerSecond: bareRun.acknowledged / bareRun.elapsed, medianMs: percentile(bareLatencies, 0.5), p95Ms: percentile(bareLatencies, 0.95), p99Ms: percentile(bareLatencies, 0.99), errors: bareRun.errors };
  progress(`ballots for ${options.seconds} s`);
  const voters = await runVoters({ url: `${env.url}/api/v1/budgets/${budgetId}/headings/${headingId}/ballot`, method: 'PUT', lanes, projectIds, seconds: options.seconds, warmupSeconds: 2 });

  // What the acknowledged answers say the database must hold, against what it holds.
  const expected = new Map<number, number>();
  for (const [, projects] of voters.lastAcknowledged) for (const id of projects) expected.set(id, (expected.get(id) ?? 0) + 1);
  const counted = await countVotes(env.platform.ctx.db, headingId);
  const rows = await env.platform.ctx.db.selectFrom('budgets_ballot').select((eb) => eb.fn.countAll<number>().as('n')).where('heading_id', '=', headingId).executeTakeFirstOrThrow();
  const mismatches = projectIds.filter((id) => (counted.get(id)?.ballots ?? 0) !== (expected.get(id) ?? 0));
  const countsMatch = rows.n === voters.lastAcknowledged.length && mismatches.length === 0;

  const latencies = voters.latencies.sort((a, b) => a - b);
  const ballotsPerSecond = voters.acknowledged / voters.elapsed;
  printTable(
    `Ballots: ${options.voters} concurrent voters, ${options.seconds} s (${env.kind}); a ballot change every time`,
    ['Route', 'Requests/s', 'Median ms', 'p95 ms', 'p99 ms', 'Errors', 'vs bare insert'],
    [
      ['bare POST /db/insert (one INSERT)', formatNumber(bare.requestsPerSecond), formatMs(bare.medianMs), formatMs(bare.p95Ms), formatMs(bare.p99Ms), formatNumber(bare.errors), '100 %'],
      [
        'PUT …/ballot (session, CSRF, eligibility, rules, upsert)',
        formatNumber(ballotsPerSecond),
        formatMs(percentile(latencies, 0.5)),
        formatMs(percentile(latencies, 0.95)),
        formatMs(percentile(latencies, 0.99)),
        formatNumber(voters.errors),
        formatPercent(ballotsPerSecond / bare.requestsPerSecond),
      ],
    ],
  );
  if (voters.firstError) console.log(`first error: ${voters.firstError}`);
  printTable('Ballots: integrity after the run', ['Check', 'Value'], [
    ['acknowledged PUTs (200)', formatNumber(voters.acknowledged)],
    ['voters with an acknowledged ballot', formatNumber(voters.lastAcknowledged.length)],
    ['ballot rows in the database', formatNumber(rows.n)],
    ['projects whose count differs from the last acknowledged ballots', formatNumber(mismatches.length)],
    ['counts equal acknowledged ballots', countsMatch ? 'yes' : 'NO'],
  ]);
}

/** Popularity falls with the project's rank, as real votes do: a voter approves 1–5 projects. */
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

async function benchResults(env: BenchEnvironment, options: Options): Promise<void> {
  const db = env.platform.ctx.db;
  const costs = (i: number) => 150_000 + ((i * 7919) % 20) * 25_000;
  const { budgetId, headingId, projectIds } = await createBenchBudget(env, 6_000_000, costs);
  progress(`loading ${formatNumber(options.ballots)} voters and ballots`);
  const started = performance.now();
  await sql`insert into core_user (organisation_id, email, display_name, role, email_confirmed_at)
    select ${env.city.id}, null, 'Results voter ' || g, 'resident', now() from generate_series(1, ${options.ballots}) g`.execute(db);
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
  const groups = await sql<{ n: number }>`select count(distinct project_ids)::int as n from budgets_ballot where heading_id = ${headingId}`.execute(db);
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
      if (outcome.voters !== options.ballots) throw new Error(`counted ${outcome.voters} voters, loaded ${options.ballots}`);
    }
    runs.sort((a, b) => a - b);
    rows.push([method === 'votes' ? 'winners by votes' : 'Method of Equal Shares + completion', formatMs(runs[1] as number), formatMs(runs[0] as number), method === 'votes' ? '< 1,000' : '< 10,000', formatNumber(funded), formatNumber(spent)]);
  }
  printTable(
    `Results for ${formatNumber(options.ballots)} ballots in one heading (${PROJECTS} projects, ${formatNumber(groups.rows[0]?.n ?? 0)} distinct choices, ${env.kind}); from the database, median of 3`,
    ['Method', 'Median ms', 'Fastest ms', 'Goal ms', 'Funded', 'Spent'],
    rows,
  );
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  console.log(`Interactive City ballots bench — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${options.postgres ? 'PostgreSQL' : 'PGlite'}`);
  let env: BenchEnvironment | undefined;
  process.once('SIGINT', () => {
    progress('interrupted: removing the scratch database');
    void (env?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  try {
    env = await startEnvironment({ postgres: options.postgres });
    progress(`platform ready in ${env.startSeconds.toFixed(1)} s`);
    await benchConcurrentVoters(env, options);
    await benchResults(env, options);
  } finally {
    await env?.close();
  }
}

if (isMainThread) await main();
