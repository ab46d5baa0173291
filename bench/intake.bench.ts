/**
 * Part 2 (c) — Open311 intake: POST /open311/v2/requests.json with a real API key against a bare
 * Fastify route doing one raw INSERT into reports_report (the same table, so the same indexes and
 * triggers), with the same form bodies in the same run, in alternating rounds (baseline, intake,
 * baseline, intake). Then two diagnostics that say where the difference goes: the same load spread
 * over 32 API keys (a row written by every request of one key would show as a difference), and the
 * time of each step of the intake, called one at a time through the product's own functions.
 */
import { createApiKey, verifyApiKey } from '../src/platform/auth/api-keys.ts';
import { consumeRateLimit } from '../src/platform/auth/rate-limit.ts';
import { findDistrictsAt, type District } from '../src/modules/places/index.ts';
import type { Executor } from '../src/platform/db/database.ts';
import { submitReport } from '../src/modules/reports/index.ts';
import {
  findCategoryByCode,
  findQuestions,
  type Category,
} from '../src/modules/reports/report-categories.repository.ts';
import {
  formatMs,
  formatNumber,
  formatPercent,
  printTable,
  progress,
  timeRepeated,
  type BenchOptions,
  type Timing,
} from './lib.ts';
import { runLoad, type LoadResult } from './load.ts';
import { findDistrictBoxes } from './reports-data.ts';
import { INTAKE_CATEGORY, insertReportRaw, type BenchEnvironment } from './setup.ts';

export const INTAKE_GOAL = 0.6;

interface Place {
  lat: number;
  lng: number;
}

/** `count` places inside the city's districts (checked with the product's point-in-district lookup). */
async function placesInCity(env: BenchEnvironment, count: number): Promise<Place[]> {
  const { db } = env.platform.ctx;
  const districts = await findDistrictBoxes(db, env.city.id);
  const places: Place[] = [];
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let attempt = 0; places.length < count && attempt < count * 50; attempt++) {
    const d = districts[attempt % districts.length];
    if (!d) break;
    const place = {
      lat: d.minLat + random() * (d.maxLat - d.minLat),
      lng: d.minLng + random() * (d.maxLng - d.minLng),
    };
    if ((await findDistrictsAt(db, env.city.id, place.lng, place.lat)).length > 0) places.push(place);
  }
  return places;
}

function formBodies(places: Place[], keys: string[]): string[] {
  return places.map((place, index) =>
    new URLSearchParams({
      api_key: keys[index % keys.length] as string,
      service_code: INTAKE_CATEGORY,
      lat: place.lat.toFixed(6),
      long: place.lng.toFixed(6),
      description: `Graffiti on the wall, bench report ${index}`,
      email: 'bench@example.org',
    }).toString(),
  );
}

/** Runs the intake rounds and the step timings, prints both tables, and returns the goal's ratio. */
export async function benchIntake(env: BenchEnvironment, options: BenchOptions): Promise<{ ratio: number }> {
  const { db } = env.platform.ctx;
  const city = env.city;
  const keys = await Promise.all(
    Array.from({ length: 32 }, (_, index) => createApiKey(db, city.id, `bench ${index}`, null, ['open311'])),
  );
  const places = await placesInCity(env, 200);
  const oneKey = formBodies(places, [keys[0]?.key as string]);
  const manyKeys = formBodies(
    places,
    keys.map((key) => key.key),
  );

  const load = { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: options.quick ? 0.5 : 2 };
  const post = (url: string, bodies: string[]): Promise<LoadResult> =>
    runLoad(
      { url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, bodies, expect: [201] },
      load,
    );
  // Baseline and intake alternate (A B A B): other work on the machine drifts over a minute, and the
  // ratio of the sums is fairer than one round of each. The 32-key round comes last (a diagnostic).
  const rounds: Array<{ name: string; result: LoadResult }> = [];
  for (const [name, url, bodies] of [
    ['bare POST /reports/insert (baseline), round 1', `${env.bareUrl}/reports/insert`, oneKey],
    ['POST /open311/v2/requests.json, one API key, round 1', `${env.url}/open311/v2/requests.json`, oneKey],
    ['bare POST /reports/insert (baseline), round 2', `${env.bareUrl}/reports/insert`, oneKey],
    ['POST /open311/v2/requests.json, one API key, round 2', `${env.url}/open311/v2/requests.json`, oneKey],
    ['same, spread over 32 API keys (diagnostic)', `${env.url}/open311/v2/requests.json`, manyKeys],
  ] as const) {
    progress(`load: ${name} (${options.concurrency} in flight, ${options.seconds} s)`);
    const result = await post(url, bodies);
    if (result.errors > 0)
      progress(`  ${result.errors} of ${result.requests} failed, first: ${result.firstError ?? ''}`);
    rounds.push({ name, result });
  }
  const rate = (index: number): number => rounds[index]?.result.requestsPerSecond ?? Number.NaN;
  const baseline = (rate(0) + rate(2)) / 2;
  const ratio = (rate(1) + rate(3)) / 2 / baseline;
  printTable(
    `Part 2 (c) — Open311 intake vs. one raw INSERT (${env.kind}, ${options.concurrency} concurrent, ${options.seconds} s each)`,
    ['Route', 'req/s', 'median ms', 'p95 ms', 'errors', 'vs. raw INSERT', 'goal', 'result'],
    [
      ...rounds.map((round) => [
        round.name,
        formatNumber(round.result.requestsPerSecond),
        formatMs(round.result.medianMs),
        formatMs(round.result.p95Ms),
        formatNumber(round.result.errors),
        formatPercent(round.result.requestsPerSecond / baseline),
        '',
        '',
      ]),
      [
        'Open311 intake, both rounds vs. both baseline rounds',
        formatNumber((rate(1) + rate(3)) / 2),
        '',
        '',
        '',
        formatPercent(ratio),
        `≥ ${formatPercent(INTAKE_GOAL)}`,
        ratio >= INTAKE_GOAL ? 'met' : 'MISSED',
      ],
    ],
  );

  await printSteps(env, keys[0]?.key as string, keys[0]?.id as number, places, options);
  return { ratio };
}

/** Each step of Open311 intake alone, one call at a time, in the order the route runs them. */
async function printSteps(
  env: BenchEnvironment,
  key: string,
  keyId: number,
  places: Place[],
  options: BenchOptions,
): Promise<void> {
  const { ctx } = env.platform;
  const { db } = ctx;
  const city = env.city;
  const runs = options.quick ? 50 : 200;
  const category = (await findCategoryByCode(db, city.id, INTAKE_CATEGORY)) as Category;
  const raw = { id: category.id, default_department_id: category.defaultDepartmentId };
  let next = 0;
  const place = (): Place => places[next++ % places.length] as Place;
  const districts: District[] = await findDistrictsAt(db, city.id, places[0]?.lng ?? 0, places[0]?.lat ?? 0);
  const steps: Array<[string, Timing]> = [
    [
      'verifyApiKey (select + update last_used_at; Open311 caches it 60 s)',
      await timeRepeated(() => verifyApiKey(db, key), runs),
    ],
    [
      'consumeRateLimit (Open311 now reserves blocks of hits)',
      await timeRepeated(
        () => consumeRateLimit(db, city.id, { key: `open311:key:${keyId}`, limit: 1e9, windowSeconds: 60 }),
        runs,
      ),
    ],
    [
      'before: findCategoryByCode + findQuestions (now cached)',
      await timeRepeated(
        async () => findQuestions(db, ((await findCategoryByCode(db, city.id, INTAKE_CATEGORY)) as Category).id),
        runs,
      ),
    ],
    [
      'before: findDistrictsAt (now cached outlines)',
      await timeRepeated(() => findDistrictsAt(db, city.id, place().lng, place().lat), runs),
    ],
    [
      'before: findDepartmentFor (now cached rules)',
      await timeRepeated(
        () =>
          findDepartmentFor(
            db,
            category,
            districts.map((d) => d.id),
          ),
        runs,
      ),
    ],
    [
      'before: transaction of raw insert + history line',
      await timeRepeated(() => insertWithHistory(env, raw, place()), runs),
    ],
    ['submitReport, whole (validation … commit)', await timeRepeated(() => submitOnce(env, place()), runs)],
    [
      'submitReport with an API key, as Open311 calls it (one statement)',
      await timeRepeated(() => submitAdmittedOnce(env, keyId, place()), runs),
    ],
    [
      'one raw INSERT (the baseline route’s work)',
      await timeRepeated(() => insertReportRaw(db, city.id, raw, place().lat, place().lng, 'Graffiti'), runs),
    ],
  ];
  printTable(
    `Open311 intake, step by step (${env.kind}, one call at a time, ${runs} runs each)`,
    ['Step', 'median ms', 'p95 ms'],
    steps.map(([name, timing]) => [name, formatMs(timing.medianMs), formatMs(timing.p95Ms)]),
  );
}

async function submitOnce(env: BenchEnvironment, place: Place): Promise<void> {
  const outcome = await submitReport(env.platform.ctx, env.city, {
    categoryCode: INTAKE_CATEGORY,
    lat: place.lat,
    lng: place.lng,
    description: 'Graffiti, step timing',
    source: 'open311',
  });
  if (!('ok' in outcome)) throw new Error(`submitReport refused the bench report: ${JSON.stringify(outcome.invalid)}`);
}

async function submitAdmittedOnce(env: BenchEnvironment, keyId: number, place: Place): Promise<void> {
  const outcome = await submitReport(env.platform.ctx, env.city, {
    categoryCode: INTAKE_CATEGORY,
    lat: place.lat,
    lng: place.lng,
    description: 'Graffiti, step timing',
    source: 'open311',
    apiKeyId: keyId,
  });
  if (!('ok' in outcome)) throw new Error(`submitReport refused the bench report: ${JSON.stringify(outcome)}`);
}

/**
 * How intake found the department in charge before routing rules were kept in memory (one query per
 * report); kept here only as the "before" row of the step timings.
 */
async function findDepartmentFor(db: Executor, category: Category, districtIds: number[]): Promise<number | null> {
  const rules = await db
    .selectFrom('reports_routing_rule')
    .select(['district_id', 'department_id'])
    .where('category_id', '=', category.id)
    .where((eb) =>
      eb.or([eb('district_id', 'is', null), ...(districtIds.length ? [eb('district_id', 'in', districtIds)] : [])]),
    )
    .execute();
  const specific = rules.find((rule) => rule.district_id !== null);
  return (
    specific?.department_id ??
    rules.find((rule) => rule.district_id === null)?.department_id ??
    category.defaultDepartmentId
  );
}

/** The write part of submitReport before it became one statement: a report and its first history line in one transaction. */
async function insertWithHistory(
  env: BenchEnvironment,
  category: { id: number; default_department_id: number | null },
  place: Place,
): Promise<void> {
  const city = env.city;
  await env.platform.ctx.db.transaction().execute(async (tx) => {
    const id = await insertReportRaw(tx, city.id, category, place.lat, place.lng, 'Graffiti, step timing');
    await tx
      .insertInto('reports_update')
      .values({
        organisation_id: city.id,
        report_id: id,
        kind: 'created',
        author_id: null,
        author_label: null,
        status_from: null,
        status_to: 'new',
        public_text: null,
        internal_note: null,
        details: '{}',
        hidden_at: null,
      })
      .execute();
  });
}
