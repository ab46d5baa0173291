import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createMeeting,
  publishMinutes,
  registerForMeeting,
  uploadPlan,
  type MeetingInput,
} from '../../src/modules/participation/use-cases/meetings.ts';
import { createProcess, savePhase } from '../../src/modules/participation/use-cases/manage-processes.ts';
import { parsePlan } from '../../src/modules/participation/plan.ts';
import { participationPersonalData } from '../../src/modules/participation/personal-data.repository.ts';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { csrfTokenFor } from '../../src/platform/http/app.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let organisation: Organisation;
let staff: Person;
let counter = 0;
const DAY = 86_400_000;

interface Person {
  client: TestClient;
  csrf: string;
  id: number;
  viewer: Viewer;
}

/** A signed-in person (session made directly); residents get an e-mail confirmed account. */
async function person(role: 'resident' | 'staff' = 'resident'): Promise<Person> {
  const user = await buildUser(server, { role, confirmed: true });
  const token = await createSession(server.ctx.db, organisation.id, user.id, 30);
  const client = new TestClient(server.url);
  client.cookies.set(SESSION_COOKIE, token);
  const viewer = await findViewer(server.ctx.db, organisation.id, user.id);
  if (!viewer) throw new Error('no viewer');
  return { client, csrf: csrfTokenFor(server.config.secretKey, token), id: user.id, viewer };
}

/** A process open for proposals and meetings now. */
async function buildProcess(): Promise<{ id: number; slug: string }> {
  counter++;
  const slug = `meetings-${counter}-${Date.now()}`;
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
  });
  assert.ok(created.ok, JSON.stringify(created));
  const phase = await savePhase(server.ctx, staff.viewer, organisation, created.id, null, {
    title: { en: 'Ideas' },
    startsAt: new Date(Date.now() - DAY),
    endsAt: new Date(Date.now() + 10 * DAY),
    parts: { proposals: ['create', 'support', 'comment'], meetings: [] },
  });
  assert.ok(phase.ok, JSON.stringify(phase));
  return { id: created.id, slug };
}

function meetingInput(overrides: Partial<MeetingInput> = {}): MeetingInput {
  return {
    title: { en: 'Workshop on the square' },
    description: { en: 'We discuss the square.' },
    startsAt: new Date(Date.now() + 5 * DAY),
    endsAt: new Date(Date.now() + 5 * DAY + 7_200_000),
    address: 'Town hall, room 2',
    lat: null,
    lng: null,
    onlineUrl: null,
    capacity: 10,
    proposalIds: [],
    ...overrides,
  };
}

async function buildMeeting(processId: number, overrides: Partial<MeetingInput> = {}): Promise<number> {
  const outcome = await createMeeting(server.ctx, staff.viewer, organisation, processId, meetingInput(overrides));
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.id;
}

async function meetingRow(id: number) {
  return server.ctx.db.selectFrom('participation_meeting').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function registrations(meetingId: number) {
  return server.ctx.db
    .selectFrom('participation_meeting_registration')
    .select('user_id')
    .where('meeting_id', '=', meetingId)
    .execute();
}

function register(p: Person, meetingId: number, value: 'yes' | 'no' = 'yes') {
  return p.client.postForm(`/meetings/${meetingId}/registration`, { _csrf: p.csrf, register: value });
}

/** A multipart body with one file field and the CSRF token, as a browser sends the plan form. */
function multipart(csrf: string, content: string): { body: string; headers: Record<string, string> } {
  const boundary = `----test${Date.now()}`;
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="_csrf"',
    '',
    csrf,
    `--${boundary}`,
    'Content-Disposition: form-data; name="planFile"; filename="plan.geojson"',
    'Content-Type: application/geo+json',
    '',
    content,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A point of the plan, in hundredths of a degree from the test city's map centre (4.35 E, 50.85 N). */
const at = (x: number, y: number): [number, number] => [4.35 + x / 100, 50.85 + y / 100];

const PLAN = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'Green zone' },
      geometry: {
        type: 'Polygon',
        coordinates: [[at(0.2, 0.2), at(0.6, 0.2), at(0.6, 0.6), at(0.2, 0.6), at(0.2, 0.2)]],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'New tram line' },
      geometry: {
        type: 'LineString',
        coordinates: [at(0.1, 0.1), at(0.9, 0.8)],
      },
    },
    { type: 'Feature', properties: { name: 'Stop A' }, geometry: { type: 'Point', coordinates: at(0.5, 0.5) } },
  ],
};

before(async () => {
  server = await startTestServer();
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
  staff = await person('staff');
});
after(() => server.close());

describe('meetings', () => {
  test('staff announce a meeting through the form, audited; residents may not; bad input is explained', async () => {
    const process = await buildProcess();
    const resident = await person();
    const day = new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10);
    const fields = {
      title_en: 'Walk by the river',
      description_en: 'A walk.',
      startsOn: day,
      startTime: '10:00',
      endTime: '12:00',
      address: 'Mill gardens',
      capacity: '25',
    };
    assert.equal(
      (
        await resident.client.postForm(`/admin/participation/processes/${process.id}/meetings`, {
          _csrf: resident.csrf,
          ...fields,
        })
      ).status,
      403,
    );

    const bad = await staff.client.postForm(`/admin/participation/processes/${process.id}/meetings`, {
      _csrf: staff.csrf,
      ...fields,
      address: '',
      endTime: '09:00',
      capacity: '0',
      proposalIds: '999999',
    });
    assert.equal(bad.status, 400);
    const badHtml = await bad.text();
    assert.match(badHtml, /Give an address or an online link\./);
    assert.match(badHtml, /The end time must be after the start time\./);
    assert.match(badHtml, /One of these numbers is not a proposal of this process\./);
    assert.match(badHtml, /aria-invalid="true"/);
    // the description is the meeting's, not the process's (it used to be labelled "Process description")
    assert.match(badHtml, /Meeting description/);
    assert.doesNotMatch(badHtml, /Process description/);

    const created = await staff.client.postForm(`/admin/participation/processes/${process.id}/meetings`, {
      _csrf: staff.csrf,
      ...fields,
      onlineUrl: 'https://meet.example.org/walk',
    });
    assert.equal(created.status, 303, await created.text());
    const id = Number(/meetings\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1]);
    const row = await meetingRow(id);
    assert.equal(row.capacity, 25);
    assert.equal(row.online_url, 'https://meet.example.org/walk');
    assert.equal(row.organisation_id, organisation.id);
    // 10:00 on the city's wall clock.
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: organisation.timeZone,
      hour: '2-digit',
      minute: '2-digit',
    }).format(row.starts_at);
    assert.equal(local, '10:00');
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('action', '=', 'participation.meeting.create')
      .where('subject_id', '=', String(id))
      .execute();
    assert.equal(audit.length, 1);
  });

  test('20 concurrent registrations for the last 3 places make exactly 3 registrations', async () => {
    const process = await buildProcess();
    const meetingId = await buildMeeting(process.id, { capacity: 5 });
    for (const early of [await person(), await person()]) assert.equal((await register(early, meetingId)).status, 303);
    const crowd = await Promise.all(Array.from({ length: 20 }, () => person()));
    const responses = await Promise.all(crowd.map((p) => register(p, meetingId)));
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 303).length, 3, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 409).length, 17, statuses.join(','));
    const full = await responses.find((r) => r.status === 409)?.text();
    assert.match(full ?? '', /This meeting is full/);
    assert.equal((await registrations(meetingId)).length, 5);
    assert.equal((await meetingRow(meetingId)).registrations_count, 5);
  });

  test('concurrent calls of the use case never exceed capacity either', async () => {
    const process = await buildProcess();
    const meetingId = await buildMeeting(process.id, { capacity: 3 });
    const crowd = await Promise.all(Array.from({ length: 20 }, () => person()));
    const outcomes = await Promise.all(
      crowd.map((p) => registerForMeeting(server.ctx, p.viewer, organisation, meetingId)),
    );
    assert.equal(outcomes.filter((o) => o.ok).length, 3);
    assert.deepEqual(
      outcomes.flatMap((o) => (o.ok ? [] : [o.code])),
      Array<string>(17).fill('MEETING_FULL'),
    );
    assert.equal((await registrations(meetingId)).length, 3);
  });

  test('one registration per resident, in the database; cancelling frees the place', async () => {
    const process = await buildProcess();
    const meetingId = await buildMeeting(process.id, { capacity: 2 });
    const resident = await person();
    const twice = await Promise.all(Array.from({ length: 8 }, () => register(resident, meetingId)));
    assert.ok(twice.every((r) => r.status === 303));
    assert.equal((await registrations(meetingId)).length, 1);
    assert.equal((await meetingRow(meetingId)).registrations_count, 1);
    await assert.rejects(
      server.ctx.db
        .insertInto('participation_meeting_registration')
        .values({ organisation_id: organisation.id, meeting_id: meetingId, user_id: resident.id })
        .execute(),
    );

    const page = await (await resident.client.get(`/meetings/${meetingId}`)).text();
    assert.match(page, /You are registered\./);
    assert.match(page, /name="_csrf"/);
    assert.match(page, /Cancel my registration/);
    assert.equal((await register(resident, meetingId, 'no')).status, 303);
    assert.equal((await registrations(meetingId)).length, 0);
    assert.equal((await meetingRow(meetingId)).registrations_count, 0);
    assert.equal((await register(resident, meetingId, 'no')).status, 303);
    assert.equal((await meetingRow(meetingId)).registrations_count, 0);

    const forged = await resident.client.postForm(`/meetings/${meetingId}/registration`, {
      _csrf: 'forged',
      register: 'yes',
    });
    assert.equal(forged.status, 403);
    assert.equal((await registrations(meetingId)).length, 0);
    const anonymous = await new TestClient(server.url).get(`/meetings/${meetingId}`);
    assert.match(await anonymous.text(), /href="\/sign-in\?next=/);
  });

  test('the registrations of a resident are in their data export; erasing the account frees their places', async () => {
    const process = await buildProcess();
    const meetingId = await buildMeeting(process.id, { capacity: 3 });
    const resident = await person();
    assert.ok((await registerForMeeting(server.ctx, resident.viewer, organisation, meetingId)).ok);
    const exported = await server.ctx.db
      .transaction()
      .execute((tx) => participationPersonalData.export(tx, resident.id));
    assert.deepEqual(
      (exported as { meetingRegistrations: Array<{ meetingId: number }> }).meetingRegistrations.map((r) => r.meetingId),
      [meetingId],
    );
    await server.ctx.db
      .transaction()
      .execute((tx) => participationPersonalData.erase(tx, resident.id, { removeContent: false }));
    assert.equal((await registrations(meetingId)).length, 0);
    assert.equal((await meetingRow(meetingId)).registrations_count, 0);
  });

  test('no registration once the meeting has started; minutes published afterwards by staff, audited', async () => {
    const process = await buildProcess();
    const future = await buildMeeting(process.id);
    const early = await publishMinutes(server.ctx, staff.viewer, organisation, future, { en: 'Too early.' });
    assert.deepEqual(early, { ok: false, code: 'MEETING_NOT_HELD_YET' });

    const past = await buildMeeting(process.id, {
      startsAt: new Date(Date.now() - 3 * DAY),
      endsAt: new Date(Date.now() - 3 * DAY + 3_600_000),
    });
    const resident = await person();
    const late = await register(resident, past);
    assert.equal(late.status, 409);
    assert.match(await late.text(), /Registration is closed/);
    assert.equal((await registrations(past)).length, 0);

    assert.equal(
      (
        await resident.client.postForm(`/admin/participation/meetings/${past}/minutes`, {
          _csrf: resident.csrf,
          minutes_en: 'Not mine to write.',
        })
      ).status,
      403,
    );
    const empty = await staff.client.postForm(`/admin/participation/meetings/${past}/minutes`, {
      _csrf: staff.csrf,
      minutes_en: ' ',
    });
    assert.equal(empty.status, 400);
    const saved = await staff.client.postForm(`/admin/participation/meetings/${past}/minutes`, {
      _csrf: staff.csrf,
      minutes_en: 'Thirty residents came.\n\nThe square keeps its trees.',
    });
    assert.equal(saved.status, 303, await saved.text());
    const row = await meetingRow(past);
    assert.deepEqual(row.minutes, { en: 'Thirty residents came.\n\nThe square keeps its trees.' });
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['action', 'actor_user_id'])
      .where('action', '=', 'participation.meeting.minutes')
      .where('subject_id', '=', String(past))
      .execute();
    assert.deepEqual(audit, [{ action: 'participation.meeting.minutes', actor_user_id: staff.id }]);
    const page = await (await new TestClient(server.url).get(`/meetings/${past}`)).text();
    assert.match(page, /<h2 id="minutes">Minutes<\/h2>/);
    assert.match(page, /<p>The square keeps its trees\.<\/p>/);
  });

  test('pages: the process lists its meetings, a meeting shows its place and the proposals it discusses', async () => {
    const process = await buildProcess();
    const author = await person();
    const proposal = await author.client.postForm(`/processes/${process.slug}/proposals`, {
      _csrf: author.csrf,
      title: 'Benches on the square',
      body: 'Benches every twenty metres.',
      category: 'urbanism',
    });
    assert.equal(proposal.status, 303, await proposal.text());
    const proposalId = Number(/\/proposals\/(\d+)$/.exec(proposal.headers.get('location') ?? '')?.[1]);
    const meetingId = await buildMeeting(process.id, {
      title: { en: 'Square hearing' },
      lat: 0.5,
      lng: 0.5,
      proposalIds: [proposalId],
      capacity: 4,
    });
    const anonymous = new TestClient(server.url);
    const processPage = await (await anonymous.get(`/processes/${process.slug}`)).text();
    assert.match(processPage, /<h2 id="process-meetings">Meetings<\/h2>/);
    assert.match(processPage, new RegExp(`href="/meetings/${meetingId}">Square hearing`));
    const list = await anonymous.get(`/processes/${process.slug}/meetings`);
    assert.equal(list.status, 200);
    const listHtml = await list.text();
    assert.match(listHtml, /<h1>Meetings<\/h1>/);
    assert.match(listHtml, /4 of 4 places free/);
    const page = await (await anonymous.get(`/meetings/${meetingId}`)).text();
    assert.match(page, /<h1>Square hearing<\/h1>/);
    assert.match(page, /Town hall, room 2/);
    assert.match(page, /mlat=0\.5/);
    assert.match(
      page,
      new RegExp(
        `<h2 id="meeting-proposals">Proposals discussed</h2><ul><li><a href="/proposals/${proposalId}">Benches on the square</a>`,
      ),
    );
    assert.match(page, /<h2 id="registration">Registration<\/h2>/);
    const proposalPage = await (await anonymous.get(`/proposals/${proposalId}`)).text();
    assert.match(
      proposalPage,
      new RegExp(`<h2 id="meetings-title">Meetings</h2><ul><li><a href="/meetings/${meetingId}">Square hearing</a>`),
    );
    const admin = await (await staff.client.get(`/admin/participation/meetings/${meetingId}`)).text();
    assert.match(admin, /<label for="startTime">Start time<\/label>/);
    assert.match(admin, /<label for="capacity">Number of places<\/label>/);
    assert.equal((await anonymous.get('/meetings/99999999')).status, 404);
  });
});

describe('ideas on a plan', () => {
  test('parsePlan refuses each kind of bad file with its code', () => {
    const feature = (geometry: unknown) =>
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry }] });
    assert.equal(parsePlan('{"type":').ok, false);
    assert.deepEqual(parsePlan('{"type":'), { ok: false, code: 'PLAN_NOT_JSON' });
    assert.deepEqual(parsePlan('{"type":"Feature"}'), { ok: false, code: 'PLAN_NOT_FEATURE_COLLECTION' });
    assert.deepEqual(parsePlan('{"type":"FeatureCollection","features":[]}'), { ok: false, code: 'PLAN_EMPTY' });
    assert.deepEqual(parsePlan(feature({ type: 'GeometryCollection', geometries: [] })), {
      ok: false,
      code: 'PLAN_GEOMETRY_TYPE',
      feature: 1,
    });
    assert.deepEqual(parsePlan(feature(null)), { ok: false, code: 'PLAN_GEOMETRY_TYPE', feature: 1 });
    assert.deepEqual(parsePlan(feature({ type: 'Point', coordinates: [200, 10] })), {
      ok: false,
      code: 'PLAN_COORDINATES',
      feature: 1,
    });
    assert.deepEqual(parsePlan(feature({ type: 'Point', coordinates: [10, 95] })), {
      ok: false,
      code: 'PLAN_COORDINATES',
      feature: 1,
    });
    assert.deepEqual(parsePlan(feature({ type: 'Point', coordinates: ['10', 5] })), {
      ok: false,
      code: 'PLAN_COORDINATES',
      feature: 1,
    });
    assert.deepEqual(
      parsePlan(
        feature({
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        }),
      ),
      { ok: false, code: 'PLAN_COORDINATES', feature: 1 },
    );
    assert.deepEqual(parsePlan(feature({ type: 'LineString', coordinates: [[0, 0]] })), {
      ok: false,
      code: 'PLAN_COORDINATES',
      feature: 1,
    });
    assert.deepEqual(parsePlan(' '.repeat(2 * 1024 * 1024 + 1)), { ok: false, code: 'PLAN_TOO_LARGE' });
    const good = parsePlan(JSON.stringify(PLAN));
    assert.ok(good.ok);
    assert.equal(good.features.length, 3);
    assert.deepEqual(good.bbox, {
      minLng: at(0.1, 0)[0],
      minLat: at(0, 0.1)[1],
      maxLng: at(0.9, 0)[0],
      maxLat: at(0, 0.8)[1],
    });
  });

  test('staff upload a plan on the process page; invalid files are refused with their code and nothing stored', async () => {
    const process = await buildProcess();
    const resident = await person();
    const forbidden = multipart(resident.csrf, JSON.stringify(PLAN));
    assert.equal(
      (await resident.client.request('POST', `/admin/participation/processes/${process.id}/plan`, forbidden)).status,
      403,
    );

    const bad = multipart(
      staff.csrf,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          PLAN.features[0],
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0.5, 120] } },
        ],
      }),
    );
    const refused = await staff.client.request('POST', `/admin/participation/processes/${process.id}/plan`, bad);
    assert.equal(refused.status, 400);
    const refusedHtml = await refused.text();
    assert.match(
      refusedHtml,
      /<p class="field__error" id="planFile-error">A feature of the plan has malformed coordinates[^<]*\(feature number 2\)<\/p>/,
    );
    assert.match(refusedHtml, /<label for="planFile">Plan file \(GeoJSON\)<\/label>/);
    const notJson = await staff.client.request(
      'POST',
      `/admin/participation/processes/${process.id}/plan`,
      multipart(staff.csrf, 'not json'),
    );
    assert.equal(notJson.status, 400);
    assert.match(await notJson.text(), /The plan file is not valid JSON\./);
    const tooBig = await staff.client.request(
      'POST',
      `/admin/participation/processes/${process.id}/plan`,
      multipart(staff.csrf, `{"type":"FeatureCollection","features":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`),
    );
    assert.equal(tooBig.status, 400);
    assert.match(await tooBig.text(), /The plan file is larger than 2 MB\./);
    const direct = await uploadPlan(
      server.ctx,
      staff.viewer,
      organisation,
      process.id,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: { type: 'Circle', coordinates: [0, 0] } }],
      }),
    );
    assert.deepEqual(direct, { ok: false, code: 'PLAN_GEOMETRY_TYPE', feature: 1 });
    const stored = await server.ctx.db
      .selectFrom('participation_plan')
      .select('process_id')
      .where('process_id', '=', process.id)
      .execute();
    assert.equal(stored.length, 0);

    const saved = await staff.client.request(
      'POST',
      `/admin/participation/processes/${process.id}/plan`,
      multipart(staff.csrf, JSON.stringify(PLAN)),
    );
    assert.equal(saved.status, 303, await saved.text());
    const row = await server.ctx.db
      .selectFrom('participation_plan')
      .selectAll()
      .where('process_id', '=', process.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.feature_count, 3);
    assert.equal(row.organisation_id, organisation.id);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('action', '=', 'participation.plan.upload')
      .where('subject_id', '=', String(process.id))
      .execute();
    assert.equal(audit.length, 1);
    const admin = await (await staff.client.get(`/admin/participation/processes/${process.id}`)).text();
    assert.match(admin, /The plan has 3 features/);
  });

  test('the map view draws the plan under the proposals, and the form places a proposal in a zone', async () => {
    const process = await buildProcess();
    const uploaded = await uploadPlan(server.ctx, staff.viewer, organisation, process.id, JSON.stringify(PLAN));
    assert.ok(uploaded.ok);
    const author = await person();
    const form = await (await author.client.get(`/processes/${process.slug}/proposals/new`)).text();
    assert.match(form, /<label for="planZone">Place it on the plan<\/label>/);
    assert.match(form, /<option value="0">Green zone<\/option>/);
    const response = await author.client.postForm(`/processes/${process.slug}/proposals`, {
      _csrf: author.csrf,
      title: 'Trees in the green zone',
      body: 'Plant a hundred trees in the new green zone.',
      category: 'environment',
      planZone: '0',
    });
    assert.equal(response.status, 303, await response.text());
    const proposalId = Number(/\/proposals\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
    const proposal = await server.ctx.db
      .selectFrom('participation_proposal')
      .select(['lat', 'lng'])
      .where('id', '=', proposalId)
      .executeTakeFirstOrThrow();
    // the centre of the green zone, inside the city
    assert.ok(
      Math.abs((proposal.lat ?? 0) - at(0.4, 0.4)[1]) < 1e-9 && Math.abs((proposal.lng ?? 0) - at(0.4, 0.4)[0]) < 1e-9,
    );
    const unknownZone = await author.client.postForm(`/processes/${process.slug}/proposals`, {
      _csrf: author.csrf,
      title: 'Somewhere else',
      body: 'In a zone that does not exist.',
      category: 'environment',
      planZone: '7',
    });
    assert.equal(unknownZone.status, 400);

    const map = await (await new TestClient(server.url).get(`/proposals?process=${process.slug}&view=map`)).text();
    const plan = map.indexOf('<g class="map-plan"');
    const dots = map.indexOf(`<a href="/proposals/${proposalId}" class="map-proposal`);
    assert.ok(plan > 0 && dots > plan, 'the plan is drawn under the proposals');
    assert.match(map, /<path class="map-plan__area" d="M[\d.,LMZ]+Z"/);
    assert.match(map, /<path class="map-plan__line" d="M[\d.,L]+"/);
    assert.match(map, /<rect class="map-plan__point"/);
    assert.match(map, /<text [^>]*>New tram line<\/text>/);
    assert.match(map, /<summary>The plan: 3 zones<\/summary>/);
    const withoutProcess = await (await new TestClient(server.url).get('/proposals?view=map')).text();
    assert.doesNotMatch(withoutProcess, /class="map-plan"/);
  });
});

describe('demo city', () => {
  test('the master plan has its plan layer, a past meeting with minutes and an upcoming one with registrations', async () => {
    const demo = await startTestServer({ demo: true });
    try {
      const city = (await demo.organisations.findAll())[0];
      assert.ok(city);
      const process = await demo.ctx.db
        .selectFrom('participation_process')
        .select('id')
        .where('organisation_id', '=', city.id)
        .where('slug', '=', 'master-plan-2040')
        .executeTakeFirstOrThrow();
      const plan = await demo.ctx.db
        .selectFrom('participation_plan')
        .select(['feature_count', 'min_lat', 'max_lat', 'min_lng', 'max_lng'])
        .where('process_id', '=', process.id)
        .executeTakeFirstOrThrow();
      assert.equal(plan.feature_count, 5);
      assert.ok(
        plan.min_lat > city.map.lat - 0.1 &&
          plan.max_lat < city.map.lat + 0.1 &&
          plan.min_lng > city.map.lng - 0.1 &&
          plan.max_lng < city.map.lng + 0.1,
      );
      const meetings = await demo.ctx.db
        .selectFrom('participation_meeting')
        .select(['starts_at', 'minutes', 'registrations_count'])
        .where('process_id', '=', process.id)
        .orderBy('starts_at')
        .execute();
      const now = new Date();
      assert.ok(meetings.some((m) => m.starts_at < now && m.minutes !== null));
      assert.ok(meetings.some((m) => m.starts_at > now && m.registrations_count >= 3));
      const map = await (await new TestClient(demo.url).get('/proposals?process=master-plan-2040&view=map')).text();
      assert.match(map, /Tram line 1 \(new\)/);
    } finally {
      await demo.close();
    }
  });
});
