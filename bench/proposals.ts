/**
 * `npx node bench/proposals.ts [--postgres] [--proposals=N] [--runs=N]`
 *
 * The proposal list page of issue 4 with 10,000 proposals in one process (goal: server time median
 * under 30 ms). Starts the real platform with the demo city on a scratch database (bench/setup.ts,
 * removed afterwards), loads N proposals with supports counts, categories, districts and places, then
 * times `GET /proposals` over a real socket on 127.0.0.1 — the whole request as a browser makes it,
 * so the figure is an upper bound of the server's own time — for each sort, with filters, a later page
 * (keyset cursor) and the map view; and, beside it, the list query alone (`findProposals`).
 * Not part of `npm test`: it prints figures, it does not pass or fail.
 */
import { sql } from 'kysely';
import { findProposals, type ProposalFilters } from '../src/modules/participation/proposals.repository.ts';
import { findProcessBySlug } from '../src/modules/participation/processes.repository.ts';
import { formatMs, printTable, progress, timeRepeated } from './lib.ts';
import { startEnvironment } from './setup.ts';

const GOAL_MS = 30;

function parse(argv: readonly string[]) {
  const value = (name: string, fallback: number): number => {
    const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number from 1`);
    return parsed;
  };
  for (const arg of argv)
    if (arg !== '--postgres' && !/^--(proposals|runs)=/.test(arg)) throw new Error(`Unknown option ${arg}`);
  return { postgres: argv.includes('--postgres'), proposals: value('proposals', 10_000), runs: value('runs', 60) };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const env = await startEnvironment({ postgres: options.postgres });
  try {
    const { db } = env.platform.ctx;
    const process = await findProcessBySlug(db, env.city.id, 'master-plan-2040');
    if (!process) throw new Error('the demo master plan process is missing');
    const author = await db
      .selectFrom('core_user')
      .select('id')
      .where('organisation_id', '=', env.city.id)
      .orderBy('id')
      .executeTakeFirstOrThrow();

    progress(`loading ${options.proposals.toLocaleString('en-GB')} proposals`);
    // Supports follow a long tail (most proposals have a few, some many), as on real platforms.
    await sql`
      insert into participation_proposal (organisation_id, process_id, author_id, title, body, category, district_id, lat, lng, status, supports_count, threshold, support_deadline, random_key, created_at)
      select ${env.city.id}, ${process.id}, ${author.id},
             'Bench proposal ' || g, 'A proposal written for the benchmark, number ' || g || '. It asks for something in the city.',
             (array['mobility','environment','urbanism','culture','social','economy','sport','education','other'])[1 + g % 9],
             (select id from places_district d where d.organisation_id = ${env.city.id} and d.kind = 'district' order by d.id offset (g % 6) limit 1),
             case when g % 3 = 0 then 44.09 + (g % 97) / 4000.0 end, case when g % 3 = 0 then 9.81 + (g % 89) / 3000.0 end,
             case when g % 50 = 0 then 'threshold_reached' else 'published' end,
             floor(power(random(), 4) * 400)::int, 100, now() + interval '60 days',
             floor(random() * 2147483646)::int, now() - (g || ' minutes')::interval
      from generate_series(1, ${options.proposals}) g`.execute(db);
    await sql`analyze participation_proposal`.execute(db);
    const total = (
      await db
        .selectFrom('participation_proposal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

    const slug = process.slug;
    const page = async (path: string): Promise<string> => {
      const response = await fetch(env.url + path);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      return body;
    };
    const second = /href="\/proposals\?([^"]*after=[^"]+)" rel="next"/
      .exec(await page(`/proposals?process=${slug}&sort=supports`))?.[1]
      ?.replaceAll('&amp;', '&');
    if (!second) throw new Error('no next page link');
    const cases: Array<[string, string]> = [
      ['random order (the default)', `/proposals?process=${slug}`],
      ['most supported', `/proposals?process=${slug}&sort=supports`],
      ['newest', `/proposals?process=${slug}&sort=newest`],
      [
        'filtered: category + district, most supported',
        `/proposals?process=${slug}&sort=supports&category=mobility&district=harbour`,
      ],
      ['filtered: status threshold reached', `/proposals?process=${slug}&sort=newest&status=threshold_reached`],
      ['second page (keyset cursor), most supported', `/proposals?${second}`],
      ['map view (up to 500 placed proposals)', `/proposals?process=${slug}&view=map`],
    ];
    const rows: string[][] = [];
    for (const [label, path] of cases) {
      const timing = await timeRepeated(() => page(path), options.runs, 5);
      rows.push([
        label,
        formatMs(timing.medianMs),
        formatMs(timing.p95Ms),
        label.startsWith('map') ? '' : timing.medianMs < GOAL_MS ? 'yes' : 'NO',
      ]);
    }
    const queries: Array<[string, ProposalFilters]> = [
      ['query only: random', { processId: process.id, sort: 'random', seed: 123_456_789, limit: 21 }],
      ['query only: most supported', { processId: process.id, sort: 'supports', limit: 21 }],
      [
        'query only: newest, category filter',
        { processId: process.id, sort: 'newest', category: 'culture', limit: 21 },
      ],
    ];
    for (const [label, filters] of queries) {
      const timing = await timeRepeated(() => findProposals(db, env.city.id, filters), options.runs, 5);
      rows.push([label, formatMs(timing.medianMs), formatMs(timing.p95Ms), '']);
    }
    printTable(
      `Proposal list page — ${total.toLocaleString('en-GB')} proposals, ${env.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${options.runs} runs each after 5 warm-up runs (ms; pages: HTTP round trip on 127.0.0.1)`,
      ['case', 'median', 'p95', `median < ${GOAL_MS} ms`],
      rows,
    );
  } finally {
    await env.close();
  }
}

await main();
