import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isPointInCity } from '../../src/modules/places/index.ts';
import {
  createProcess,
  savePhase,
  type ProcessInput,
} from '../../src/modules/participation/use-cases/manage-processes.ts';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { csrfTokenFor } from '../../src/platform/http/app.ts';
import { translator } from '../../src/platform/i18n/translate.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Who may take part in a process open to an age group (issue 14 §1: a resident without a year of birth is
 * told to give it, not that they are of another age) and where a proposal may be placed (§4: inside the city).
 */

const en = translator('en');
let server: TestServer;
let organisation: Organisation;
let staff: Person;
let counter = 0;

interface Person {
  client: TestClient;
  csrf: string;
  id: number;
  viewer: Viewer;
}

/** A signed-in person; `verifiedBirthYear` makes them a verified resident born that year. */
async function person(options: { role?: 'resident' | 'staff'; verifiedBirthYear?: number } = {}): Promise<Person> {
  const user = await buildUser(server, { role: options.role ?? 'resident' });
  if (options.verifiedBirthYear !== undefined) {
    await server.ctx.db
      .insertInto('verification_identity')
      .values({
        user_id: user.id,
        organisation_id: organisation.id,
        method: 'in_person',
        identity_hash: `test-${user.id}`,
        census_id: null,
        birth_year: options.verifiedBirthYear,
        district_id: null,
        verified_by: null,
      })
      .execute();
  }
  const token = await createSession(server.ctx.db, organisation.id, user.id, 30);
  const client = new TestClient(server.url);
  client.cookies.set(SESSION_COOKIE, token);
  const viewer = await findViewer(server.ctx.db, organisation.id, user.id);
  if (!viewer) throw new Error('no viewer');
  return { client, csrf: csrfTokenFor(server.config.secretKey, token), id: user.id, viewer };
}

/** A process with a phase running now that takes and supports proposals. */
async function buildProcess(overrides: Partial<ProcessInput> = {}): Promise<{ id: number; slug: string }> {
  counter++;
  const slug = `age-process-${counter}-${Date.now()}`;
  const created = await createProcess(server.ctx, staff.viewer, organisation, {
    slug,
    title: { en: `Process ${counter}` },
    description: { en: 'A test process.' },
    districtIds: [],
    eligibilityLevel: 'email',
    minAge: null,
    maxAge: null,
    residentsOnly: false,
    supportThreshold: 100,
    supportDays: 30,
    answerDays: 14,
    ...overrides,
  });
  assert.ok(created.ok, JSON.stringify(created));
  const phase = await savePhase(server.ctx, staff.viewer, organisation, created.id, null, {
    title: { en: 'Proposals' },
    startsAt: new Date(Date.now() - 86_400_000),
    endsAt: new Date(Date.now() + 10 * 86_400_000),
    parts: { proposals: ['create', 'support', 'comment'] },
  });
  assert.ok(phase.ok, JSON.stringify(phase));
  return { id: created.id, slug };
}

function proposeForm(author: Person, slug: string, fields: Record<string, string> = {}) {
  return author.client.postForm(`/processes/${slug}/proposals`, {
    _csrf: author.csrf,
    title: 'More benches in the park',
    body: 'Benches every hundred metres along the main path.',
    category: 'urbanism',
    ...fields,
  });
}

async function propose(author: Person, slug: string, fields: Record<string, string> = {}): Promise<number> {
  const response = await proposeForm(author, slug, fields);
  assert.equal(response.status, 303, await response.text());
  return Number(/\/proposals\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
}

async function supportCode(p: Person, proposalId: number): Promise<string> {
  const response = await p.client.request('PUT', `/api/v1/proposals/${proposalId}/support`, {
    headers: { 'x-csrf-token': p.csrf },
  });
  if (response.status === 200) return 'OK';
  const body = (await response.json()) as { error: { code: string } };
  assert.equal(response.status, 403, body.error.code);
  return body.error.code;
}

async function declaredYear(userId: number): Promise<number | null> {
  const row = await server.ctx.db
    .selectFrom('core_user')
    .select('birth_year')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.birth_year;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');

before(async () => {
  server = await startTestServer();
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
  // the city is one district, the square from (0, 0) to (2, 1)
  const ring = [
    [0, 0],
    [2, 0],
    [2, 1],
    [0, 1],
    [0, 0],
  ];
  await server.ctx.db
    .insertInto('places_district')
    .values({
      organisation_id: organisation.id,
      kind: 'district',
      code: 'centre',
      parent_id: null,
      name: JSON.stringify({ en: 'Centre' }),
      geometry: JSON.stringify({ type: 'Polygon', coordinates: [ring] }),
      min_lng: 0,
      min_lat: 0,
      max_lng: 2,
      max_lat: 1,
      population: null,
    })
    .execute();
  staff = await person({ role: 'staff' });
});
after(() => server.close());

describe('a process open to an age group, at the e-mail level', () => {
  test('a newcomer without a year of birth is asked for it (page and API), gives it, and takes part', async () => {
    const process = await buildProcess({ minAge: 16 });
    const proposal = await propose(await person({ verifiedBirthYear: 1990 }), process.slug);
    const newcomer = await person();

    const page = await (await newcomer.client.get(`/processes/${process.slug}`)).text();
    assert.ok(
      page.includes(escape(en('participation.error.PARTICIPATION_BIRTH_YEAR_MISSING'))),
      'says what is missing',
    );
    assert.ok(!page.includes(escape(en('participation.error.PARTICIPATION_AGE_NOT_ELIGIBLE'))), 'no false message');
    const link = new RegExp(
      `<a href="(/account\\?next=[^"#]+#birth-year)">${en('participation.giveBirthYear')}</a>`,
    ).exec(page);
    assert.ok(link?.[1], 'links to the account page where the year is given');
    assert.equal(await supportCode(newcomer, proposal), 'PARTICIPATION_BIRTH_YEAR_MISSING');

    // the link leads to the account page's form, which comes back to the process once saved
    const account = await newcomer.client.page(link[1].replace(/&amp;/g, '&'));
    assert.equal(account.response.status, 200);
    assert.match(account.html, /<form method="post" action="\/account\/birth-year"/);
    const next = /action="\/account\/birth-year"[^]*?name="next" value="([^"]*)"/.exec(account.html)?.[1];
    assert.equal(next, `/processes/${process.slug}`);
    const saved = await newcomer.client.postForm('/account/birth-year', {
      _csrf: newcomer.csrf,
      birthYear: '1984',
      next: next,
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), `/processes/${process.slug}`);
    assert.equal(await declaredYear(newcomer.id), 1984);
    assert.equal(await supportCode(newcomer, proposal), 'OK');
  });

  test('a declared year outside the range is refused as age; a verified year wins over a declared one', async () => {
    const process = await buildProcess({ minAge: 16 });
    const proposal = await propose(await person({ verifiedBirthYear: 1990 }), process.slug);
    const child = await person();
    const declared = await child.client.json(
      'PUT',
      '/api/v1/me/birth-year',
      { birthYear: new Date().getUTCFullYear() - 10 },
      { 'x-csrf-token': child.csrf },
    );
    assert.equal(declared.status, 200);
    assert.equal(await supportCode(child, proposal), 'PARTICIPATION_AGE_NOT_ELIGIBLE');

    // verified as born ten years ago: a declared adult year does not count
    const verifiedChild = await person({ verifiedBirthYear: new Date().getUTCFullYear() - 10 });
    await verifiedChild.client.postForm('/account/birth-year', { _csrf: verifiedChild.csrf, birthYear: '1980' });
    assert.equal(await supportCode(verifiedChild, proposal), 'PARTICIPATION_AGE_NOT_ELIGIBLE');
    const me = (await (await verifiedChild.client.get('/api/v1/me')).json()) as {
      birthYear: { declared: number | null; verified: number | null };
    };
    assert.deepEqual(me.birthYear, { declared: 1980, verified: new Date().getUTCFullYear() - 10 });
    const accountPage = await (await verifiedChild.client.get('/account')).text();
    assert.doesNotMatch(accountPage, /action="\/account\/birth-year"/, 'no form to override a verified year');
  });

  test('a process for verified residents asks to verify, not for a year', async () => {
    const process = await buildProcess({ minAge: 16, eligibilityLevel: 'verified' });
    const proposal = await propose(await person({ verifiedBirthYear: 1990 }), process.slug);
    const newcomer = await person();
    await newcomer.client.postForm('/account/birth-year', { _csrf: newcomer.csrf, birthYear: '1984' });
    assert.equal(await supportCode(newcomer, proposal), 'PARTICIPATION_NOT_VERIFIED');
    const page = await (await newcomer.client.get(`/processes/${process.slug}`)).text();
    assert.match(page, /href="\/account\/verification\?next=/);
  });

  test('bad years are refused with the field’s error and change nothing; an empty one removes the year', async () => {
    const resident = await person();
    await resident.client.postForm('/account/birth-year', { _csrf: resident.csrf, birthYear: '1984' });
    for (const value of ['1879', String(new Date().getUTCFullYear() + 1), 'nineteen', '84', '1984-13-01x']) {
      const response = await resident.client.postForm('/account/birth-year', {
        _csrf: resident.csrf,
        birthYear: value,
      });
      assert.equal(response.status, 400, value);
      const html = await response.text();
      assert.match(html, /id="birthYear-error"/, value);
      assert.ok(html.includes(escape(en('error.BIRTH_YEAR_INVALID'))), value);
      assert.equal(await declaredYear(resident.id), 1984, value);
    }
    for (const body of [{ birthYear: 3000 }, { birthYear: 1200 }]) {
      const response = await resident.client.json('PUT', '/api/v1/me/birth-year', body, {
        'x-csrf-token': resident.csrf,
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'BIRTH_YEAR_INVALID');
    }
    const bad = await resident.client.json(
      'PUT',
      '/api/v1/me/birth-year',
      { birthYear: 'x' },
      { 'x-csrf-token': resident.csrf },
    );
    assert.equal(bad.status, 400);
    const anonymous = await new TestClient(server.url).json('PUT', '/api/v1/me/birth-year', { birthYear: 1984 });
    assert.equal(anonymous.status, 403, 'no CSRF token, no session');
    assert.equal(await declaredYear(resident.id), 1984);
    // a whole date keeps only its year
    await resident.client.postForm('/account/birth-year', { _csrf: resident.csrf, birthYear: '31/05/1979' });
    assert.equal(await declaredYear(resident.id), 1979);
    await resident.client.postForm('/account/birth-year', { _csrf: resident.csrf, birthYear: '' });
    assert.equal(await declaredYear(resident.id), null);
  });

  test('the declared year is in the data export and erased with the account', async () => {
    const resident = await person();
    const user = await server.ctx.db
      .selectFrom('core_user')
      .select('email')
      .where('id', '=', resident.id)
      .executeTakeFirstOrThrow();
    await resident.client.postForm('/account/birth-year', { _csrf: resident.csrf, birthYear: '1984' });
    const exported = (await (await resident.client.get('/api/v1/me/export')).json()) as {
      account: { birth_year: number };
    };
    assert.equal(exported.account.birth_year, 1984);
    assert.ok(user.email);
    const deleted = await resident.client.postForm('/account/delete', {
      _csrf: resident.csrf,
      deletePassword: 'correct horse battery',
    });
    assert.equal(deleted.status, 303);
    assert.equal(await declaredYear(resident.id), null);
  });
});

describe('where a proposal may be placed', () => {
  test('a point outside the city (in Paris) is refused with the field’s error, and nothing is stored', async () => {
    const process = await buildProcess();
    const author = await person();
    const count = async () =>
      (
        await server.ctx.db
          .selectFrom('participation_proposal')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const response = await proposeForm(author, process.slug, { lat: '48.8566', lng: '2.3522' });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(html, /id="lat-error"/);
    assert.ok(html.includes(escape(en('participation.error.placeOutsideCity'))));
    assert.equal(await count(), before);
    // a point in the city is placed as before
    await propose(author, process.slug, { lat: '0.5', lng: '1.5' });
  });

  test('a city without district outlines takes points around its map centre only', async () => {
    const city = { id: organisation.id + 1000, map: { lat: 44.1, lng: 9.8 } };
    assert.equal(await isPointInCity(server.ctx.db, city, 9.85, 44.12), true);
    assert.equal(await isPointInCity(server.ctx.db, city, 2.3522, 48.8566), false);
  });
});
