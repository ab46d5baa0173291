import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { after, before, test } from 'node:test';
import { up as movePhaseDays } from '../../src/modules/participation/migrations/20261216_0934_participation_phase_days.ts';
import { LANGUAGES, type Language } from '../../src/platform/i18n/languages.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * A phase is given by its first and last day; it runs from the start of the first day to the end of
 * the last, in the city's time zone, and pages show those two days in every language (issue 14: the
 * last day was shown one day late, since the end was stored at midnight UTC, which is already the
 * next day in Brussels).
 */

let server: TestServer;
let organisation: Organisation;

before(async () => {
  server = await startTestServer();
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
});
after(() => server.close());

/** A day as the page of a language should write it (formatted at noon UTC, so no time zone can move it). */
function longDate(language: Language, year: number, month: number, day: number): string {
  return new Intl.DateTimeFormat(LANGUAGES[language].locale.replace('_', '-'), {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, day, 12)));
}

test('a phase given as 1 to 31 March runs from midnight to midnight in the city and reads 1 – 31 March in every language', async () => {
  assert.equal(organisation.timeZone, 'Europe/Brussels', 'the test city is east of Greenwich');
  const { client } = await signedInClient(server, { role: 'staff' });
  const slug = `dates-${Date.now()}`;
  const { csrf } = await client.page('/admin/participation');
  const created = await client.postForm('/admin/participation/processes', {
    _csrf: csrf,
    slug,
    title_en: 'Dates',
    supportThreshold: '10',
    supportDays: '10',
    answerDays: '10',
  });
  assert.equal(created.status, 303, await created.text());
  const id = Number(/processes\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1]);
  const saved = await client.postForm(`/admin/participation/processes/${id}/phases`, {
    _csrf: csrf,
    phaseTitle_en: 'Ideas',
    startsOn: '2026-03-01',
    endsOn: '2026-03-31',
  });
  assert.equal(saved.status, 303, await saved.text());

  const row = await server.ctx.db
    .selectFrom('participation_phase')
    .select(['id', 'starts_at', 'ends_at'])
    .where('process_id', '=', id)
    .executeTakeFirstOrThrow();
  // Brussels is UTC+1 on 1 March and UTC+2 from 29 March (summer time).
  assert.equal(row.starts_at.toISOString(), '2026-02-28T23:00:00.000Z');
  assert.equal(row.ends_at.toISOString(), '2026-03-31T22:00:00.000Z');

  for (const language of Object.keys(LANGUAGES) as Language[]) {
    const page = await (await new TestClient(server.url).get(`/processes/${slug}?lang=${language}`)).text();
    const expected = `${longDate(language, 2026, 3, 1)} – ${longDate(language, 2026, 3, 31)}`;
    assert.ok(page.includes(expected), `${language}: the page reads “${expected}”`);
  }

  // The staff form shows the days as they were given.
  const form = await client.page(`/admin/participation/processes/${id}/phases/${row.id}`);
  assert.match(form.html, /<input[^>]*name="startsOn"[^>]*>/);
  assert.match(/<input[^>]*name="startsOn"[^>]*>/.exec(form.html)?.[0] ?? '', /value="2026-03-01"/);
  assert.match(/<input[^>]*name="endsOn"[^>]*>/.exec(form.html)?.[0] ?? '', /value="2026-03-31"/);
});

test('phases saved before at midnight UTC move to the city’s midnight; exact times stay', async () => {
  const process = await server.ctx.db
    .insertInto('participation_process')
    .values({
      organisation_id: organisation.id,
      slug: `legacy-${Date.now()}`,
      title: JSON.stringify({ en: 'Legacy' }),
      description: JSON.stringify({}),
      eligibility_level: 'email',
      min_age: null,
      max_age: null,
      updated_at: new Date(),
      support_threshold: 10,
      support_days: 10,
      answer_days: 10,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const insert = (startsAt: string, endsAt: string) =>
    server.ctx.db
      .insertInto('participation_phase')
      .values({
        organisation_id: organisation.id,
        process_id: process.id,
        title: JSON.stringify({ en: startsAt }),
        starts_at: new Date(startsAt),
        ends_at: new Date(endsAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const legacy = await insert('2031-03-01T00:00:00Z', '2031-04-01T00:00:00Z');
  const exact = await insert('2031-05-01T08:30:00Z', '2031-05-02T17:00:00Z');
  await movePhaseDays(server.ctx.db as unknown as Kysely<unknown>);

  const rows = new Map(
    (
      await server.ctx.db
        .selectFrom('participation_phase')
        .select(['id', 'starts_at', 'ends_at'])
        .where('process_id', '=', process.id)
        .execute()
    ).map((r) => [r.id, [r.starts_at.toISOString(), r.ends_at.toISOString()]]),
  );
  assert.deepEqual(rows.get(legacy.id), ['2031-02-28T23:00:00.000Z', '2031-03-31T22:00:00.000Z']);
  assert.deepEqual(rows.get(exact.id), ['2031-05-01T08:30:00.000Z', '2031-05-02T17:00:00.000Z'], 'exact times stay');
});
