/**
 * `npm run bench -- --only=opinion-maps [--postgres] [--seconds=N] [--concurrency=N] [--quick]`
 *
 * Opinion maps (issue 18), on the real platform with the demo city (scratch database from bench/setup.ts):
 *   1. The computation alone, one core: 10,000 participants × 500 statements, each vote cast with
 *      probability 0.2 (about 1,000,000 votes; a quarter of that with --quick), three planted groups.
 *      Baseline in the same run: building the sparse matrix alone (one pass over the votes).
 *   2. The same votes stored in the database, and `recomputeMap` as the job runs it: load every vote,
 *      compute, store the result JSON.
 *   3. Vote intake: `castVote` (the use case behind the vote form: one query for the map, its process's rule
 *      and the voter's facts, the rate limit, the upsert) from 2,000 eligible residents at random statements,
 *      `--concurrency` in flight (closed loop) for `--seconds`, with the recomputation job running meanwhile;
 *      baseline in alternating rounds: a bare one-row upsert into a scratch table through the same pool.
 * Goals: recompute < 3 s; intake ≥ 2,000 votes/s with p99 < 100 ms on PostgreSQL.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { computeOpinionMap } from '../src/modules/opinion-maps/math/compute.ts';
import { buildMatrix, prng } from '../src/modules/opinion-maps/math/matrix.ts';
import { castVote, recomputeMap } from '../src/modules/opinion-maps/opinion-maps.use-cases.ts';
import { loadVotes } from '../src/modules/opinion-maps/opinion-maps.repository.ts';
import { findViewer, type Viewer } from '../src/platform/auth/users.ts';
import { formatMs, formatNumber, percentile, printTable, progress, type BenchOptions } from './lib.ts';
import type { BenchEnvironment } from './setup.ts';

const PARTICIPANTS = 10_000;
const STATEMENTS = 500;
const VOTERS = 2_000;

function syntheticVotes(participants: number, statements: number, density: number) {
  const random = prng(18);
  const capacity = Math.ceil(participants * statements * density * 1.05);
  const participant = new Int32Array(capacity);
  const statement = new Int32Array(capacity);
  const value = new Int8Array(capacity);
  const directions = Array.from({ length: statements }, () => random() * 2 * Math.PI);
  let n = 0;
  for (let p = 0; p < participants; p++) {
    const angle = (2 * Math.PI * (p % 3)) / 3;
    for (let s = 0; s < statements && n < capacity; s++) {
      if (random() >= density) continue;
      const agree = 0.5 + 0.45 * Math.cos(angle - (directions[s] ?? 0));
      participant[n] = p + 1;
      statement[n] = s + 1;
      value[n] = random() < 0.1 ? 0 : random() < agree ? 1 : -1;
      n++;
    }
  }
  return { participant: participant.subarray(0, n), statement: statement.subarray(0, n), value: value.subarray(0, n) };
}

export async function benchOpinionMaps(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const ctx = env.platform.ctx;
  const participants = options.quick ? PARTICIPANTS / 4 : PARTICIPANTS;

  // 1. the computation alone
  progress(`opinion maps: ${formatNumber(participants)} participants × ${STATEMENTS} statements`);
  const votes = syntheticVotes(participants, STATEMENTS, 0.2);
  const ids = Array.from({ length: STATEMENTS }, (_, i) => i + 1);
  const baseline: number[] = [];
  const full: number[] = [];
  let groups = 0;
  for (let run = 0; run < 3; run++) {
    let start = performance.now();
    buildMatrix(ids, votes);
    baseline.push(performance.now() - start);
    start = performance.now();
    groups = computeOpinionMap(ids, votes).groups.length;
    full.push(performance.now() - start);
  }
  baseline.sort((a, b) => a - b);
  full.sort((a, b) => a - b);

  // 2. the same votes in the database, recomputed as the job does
  const process = await sql<{ id: number }>`
    select id from participation_process where organisation_id = ${env.city.id} order by (slug = 'master-plan-2040') desc, id limit 1`.execute(
    ctx.db,
  );
  const processId = process.rows[0]?.id ?? 0;
  const map = await sql<{ id: number }>`
    insert into opinion_maps_map (organisation_id, process_id, question, moderation, status)
    values (${env.city.id}, ${processId}, '{"en":"Bench"}', 'after', 'open') returning id`.execute(ctx.db);
  const mapId = map.rows[0]?.id ?? 0;
  const firstStatement = await sql<{ id: number }>`
    insert into opinion_maps_statement (organisation_id, map_id, text, status)
    select ${env.city.id}, ${mapId}, 'Statement ' || g, 'accepted' from generate_series(1, ${STATEMENTS}) g returning id`.execute(
    ctx.db,
  );
  const statementIds = firstStatement.rows.map((r) => r.id);
  const firstParticipant = await sql<{ id: number }>`
    insert into opinion_maps_participant (organisation_id, map_id, user_id)
    select ${env.city.id}, ${mapId}, null from generate_series(1, ${participants}) returning id`.execute(ctx.db);
  const participantIds = firstParticipant.rows.map((r) => r.id);
  progress(`storing ${formatNumber(votes.value.length)} votes`);
  const chunk = 50_000;
  for (let from = 0; from < votes.value.length; from += chunk) {
    const to = Math.min(votes.value.length, from + chunk);
    const p: number[] = [];
    const s: number[] = [];
    const v: number[] = [];
    for (let i = from; i < to; i++) {
      p.push(participantIds[(votes.participant[i] ?? 1) - 1] ?? 0);
      s.push(statementIds[(votes.statement[i] ?? 1) - 1] ?? 0);
      v.push(votes.value[i] ?? 0);
    }
    await sql`insert into opinion_maps_vote (organisation_id, participant_id, statement_id, map_id, value)
      select ${env.city.id}, unnest(${p}::int[]), unnest(${s}::int[]), ${mapId}, unnest(${v}::smallint[])`.execute(
      ctx.db,
    );
  }
  await sql`analyze opinion_maps_vote`.execute(ctx.db);
  const loads: number[] = [];
  for (let run = 0; run < 2; run++) {
    const start = performance.now();
    await loadVotes(ctx.db, mapId);
    loads.push(performance.now() - start);
  }
  loads.sort((a, b) => a - b);
  const stored: number[] = [];
  for (let run = 0; run < 2; run++) {
    const start = performance.now();
    await recomputeMap(ctx, mapId);
    stored.push(performance.now() - start);
  }
  stored.sort((a, b) => a - b);
  printTable(
    `Opinion maps — recompute ${formatNumber(participants)} participants × ${STATEMENTS} statements, ${formatNumber(votes.value.length)} votes (goal < 3 s)`,
    ['what', 'best', 'median', 'groups'],
    [
      ['baseline: sparse matrix only (one pass)', formatMs(baseline[0] ?? 0), formatMs(baseline[1] ?? 0), ''],
      [
        'computeOpinionMap (PCA, k-means, repness, consensus)',
        formatMs(full[0] ?? 0),
        formatMs(full[1] ?? 0),
        String(groups),
      ],
      ['loadVotes alone (the query of every vote)', formatMs(loads[0] ?? 0), formatMs(loads[1] ?? 0), ''],
      ['recomputeMap from the database (load, compute, store)', formatMs(stored[0] ?? 0), formatMs(stored[1] ?? 0), ''],
    ],
  );

  // 3. vote intake
  progress(`vote intake: ${VOTERS} eligible residents`);
  const users = await sql<{ id: number }>`
    insert into core_user (organisation_id, email, display_name, password_hash, role, email_confirmed_at, birth_year)
    select ${env.city.id}, 'bench-voter-' || g || '-' || ${Date.now()} || '@example.org', 'Voter ' || g, 'x', 'resident', now(), 1990
    from generate_series(1, ${VOTERS}) g returning id`.execute(ctx.db);
  const viewers: Viewer[] = [];
  for (const row of users.rows) {
    const viewer = await findViewer(ctx.db, env.city.id, row.id);
    if (viewer) viewers.push(viewer);
  }
  await sql`create table if not exists bench_vote_baseline (p integer, s integer, v smallint not null, primary key (p, s))`.execute(
    ctx.db,
  );
  const random = prng(99);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const rounds: Array<{ route: string; done: number; seconds: number; latencies: number[]; failed: number }> = [];
  const round = async (route: string, work: () => Promise<boolean>) => {
    const latencies: number[] = [];
    let failed = 0;
    const end = performance.now() + options.seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          const ok = await work().catch(() => false);
          latencies.push(performance.now() - t);
          if (!ok) failed++;
        }
      }),
    );
    rounds.push({ route, done: latencies.length, seconds: (performance.now() - started) / 1000, latencies, failed });
  };
  const vote = async () => {
    const outcome = await castVote(ctx, pick(viewers), env.city, mapId, pick(statementIds), pick([1, -1, 0] as const));
    return outcome.ok;
  };
  const bare = async () => {
    await sql`insert into bench_vote_baseline (p, s, v) values (${Math.floor(random() * 1e6)}, ${Math.floor(random() * 500)}, 1)
      on conflict (p, s) do update set v = excluded.v`.execute(ctx.db);
    return true;
  };
  for (let r = 0; r < 2; r++) {
    progress(
      `round ${r + 1}: bare upsert, then castVote (${options.seconds} s each, ${options.concurrency} in flight)`,
    );
    await round('baseline: bare one-row upsert', bare);
    await round('castVote (eligibility, rate limit, upsert)', vote);
  }
  printTable(
    `Opinion maps — vote intake on ${env.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${options.concurrency} in flight (goal ≥ 2,000 votes/s, p99 < 100 ms on PostgreSQL)`,
    ['round', 'per second', 'p50', 'p99', 'refused'],
    rounds.map((r) => {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      return [
        r.route,
        formatNumber(r.done / r.seconds),
        formatMs(percentile(sorted, 0.5)),
        formatMs(percentile(sorted, 0.99)),
        String(r.failed),
      ];
    }),
  );
  await sql`drop table if exists bench_vote_baseline`.execute(ctx.db);
}
