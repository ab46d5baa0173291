import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ICAL from 'ical.js';
import { createMeeting, updateMeeting, type MeetingInput } from '../../src/modules/participation/use-cases/meetings.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { buildUser } from '../support/factories.ts';
import { openProcess } from '../support/participation.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Meetings in every calendar: the feeds are read by ical.js (the iCalendar library calendar web apps use), not by
 * our own reading of RFC 5545 — folding, escaping, UTC times, stable UIDs, SEQUENCE growing with each change.
 */

let server: TestServer;
let organisation: Organisation;
let staff: Viewer;
const DAY = 86_400_000;

before(async () => {
  server = await startTestServer({ demo: true, env: { PUBLIC_URL: 'https://city.example' } });
  const found = (await server.organisations.findAll())[0];
  assert.ok(found);
  organisation = found;
  const user = await buildUser(server, { role: 'staff', confirmed: true });
  const viewer = await findViewer(server.ctx.db, organisation.id, user.id);
  assert.ok(viewer);
  staff = viewer;
});
after(() => server.close());

/** Parses a feed strictly: every line ends in CRLF and none is longer than 75 octets. */
function parse(body: string) {
  assert.ok(body.endsWith('\r\n'));
  for (const line of body.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line too long: ${line}`);
  assert.doesNotMatch(body.replace(/\r\n/g, ''), /\n/, 'bare line feeds');
  return new ICAL.Component(ICAL.parse(body) as unknown[]);
}

async function feed(path: string) {
  const response = await fetch(`${server.url}${path}`);
  assert.equal(response.status, 200, path);
  assert.match(response.headers.get('content-type') ?? '', /^text\/calendar; charset=utf-8/);
  return parse(await response.text());
}

test('a meeting, its process and the whole city as iCalendar that ical.js reads; a change is an update, not a new event', async () => {
  const slug = `calendar-${Date.now()}`;
  const process = await openProcess(
    server,
    staff,
    organisation,
    slug,
    { en: 'Riverside, walk; talk', it: 'Lungofiume' },
    30,
  );
  const startsAt = new Date(Math.floor((Date.now() + 7 * DAY) / 60_000) * 60_000);
  const input: MeetingInput = {
    // a long title with commas, semicolons and non-ASCII letters: escaped, and folded without splitting a character
    title: {
      en: 'Hearing on the riverside; benches, trees and lights — ñandú, ĳ, 東京, a long title to fold',
      it: 'Udienza',
    },
    description: { en: 'Line one.\nLine two, with a comma.' },
    startsAt,
    endsAt: new Date(startsAt.getTime() + 90 * 60_000),
    address: 'Town hall, room 2',
    lat: 44.1,
    lng: 9.82,
    onlineUrl: 'https://meet.example/hearing',
    capacity: 30,
    proposalIds: [],
  };
  const created = await createMeeting(server.ctx, staff, organisation, process.id, input);
  assert.ok(created.ok, JSON.stringify(created));

  const single = await feed(`/meetings/${created.id}/calendar.ics`);
  const events = single.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  const [first] = events;
  assert.ok(first);
  const event = new ICAL.Event(first);
  assert.equal(event.uid, `meeting-${created.id}@city.example`);
  assert.equal(event.summary, input.title.en);
  assert.equal(
    event.description,
    `Line one.\nLine two, with a comma.\n\nhttps://meet.example/hearing\n\nhttps://city.example/meetings/${created.id}`,
  );
  assert.equal(event.location, 'Town hall, room 2');
  assert.equal(event.startDate.toJSDate().getTime(), startsAt.getTime());
  assert.equal(event.endDate.toJSDate().getTime(), startsAt.getTime() + 90 * 60_000);
  assert.equal(event.startDate.zone.tzid, 'UTC');
  assert.equal(event.sequence, 0);
  assert.equal(first.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.equal(first.getFirstPropertyValue('url'), `https://city.example/meetings/${created.id}`);
  assert.equal(String(first.getFirstPropertyValue('conference')), 'https://meet.example/hearing');
  assert.equal(single.getFirstPropertyValue('method'), 'PUBLISH');

  // in Italian when asked
  const italian = new ICAL.Event(
    (await feed(`/meetings/${created.id}/calendar.ics?lang=it`)).getFirstSubcomponent('vevent') ?? undefined,
  );
  assert.equal(italian.summary, 'Udienza');

  // the time moves: same UID, SEQUENCE 1, the new time — a subscribed calendar updates its event
  const later = new Date(startsAt.getTime() + DAY);
  const moved = await updateMeeting(server.ctx, staff, organisation, created.id, {
    ...input,
    startsAt: later,
    endsAt: new Date(later.getTime() + 3_600_000),
  });
  assert.ok(moved.ok, JSON.stringify(moved));
  const processFeed = await feed(`/processes/${slug}/meetings.ics`);
  const updated = processFeed.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
  assert.equal(updated.length, 1);
  const [again] = updated;
  assert.ok(again);
  assert.equal(again.uid, `meeting-${created.id}@city.example`);
  assert.equal(again.sequence, 1);
  assert.equal(again.startDate.toJSDate().getTime(), later.getTime());

  // the city's feed has this meeting and every other current one, each UID once
  const city = (await feed('/meetings.ics'))
    .getAllSubcomponents('vevent')
    .map((component) => new ICAL.Event(component));
  const uids = city.map((entry) => entry.uid);
  assert.ok(uids.includes(`meeting-${created.id}@city.example`));
  assert.equal(new Set(uids).size, uids.length);
  const current = await server.ctx.db
    .selectFrom('participation_meeting')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organisation_id', '=', organisation.id)
    .where('ends_at', '>', new Date(Date.now() - 90 * DAY))
    .executeTakeFirstOrThrow();
  assert.equal(city.length, current.count);

  // the pages link to them
  const page = await (await fetch(`${server.url}/meetings/${created.id}`)).text();
  assert.match(
    page,
    new RegExp(`<a href="/meetings/${created.id}/calendar.ics" type="text/calendar">Add to my calendar`),
  );
  const list = await (await fetch(`${server.url}/processes/${slug}/meetings`)).text();
  assert.match(list, new RegExp(`<a href="/processes/${slug}/meetings.ics" type="text/calendar">`));
  assert.equal((await fetch(`${server.url}/meetings/99999999/calendar.ics`)).status, 404);
  assert.equal((await fetch(`${server.url}/processes/no-such-process/meetings.ics`)).status, 404);
});
