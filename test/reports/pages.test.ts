import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { changeReportStatus, findReportById } from '../../src/modules/reports/index.ts';
import { findOpenReportsNearby } from '../../src/modules/reports/nearby-reports.repository.ts';
import { NOTIFY_JOB } from '../../src/modules/reports/subscriptions.ts';
import { TestClient } from '../support/client.ts';
import { lastMailTo, signedInClient } from '../support/factories.ts';
import { confirmByMail } from '../support/confirmation.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let city: Organisation;
let roadsOfficer: Viewer;

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
  const user = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', 'roads@valmora.example')
    .executeTakeFirstOrThrow();
  roadsOfficer = (await findViewer(server.ctx.db, city.id, user.id)) as Viewer;
});
after(() => server.close());

/** Posts a form as multipart/form-data, the way the report form's browser does, with the client's cookies. */
async function postMultipart(
  client: TestClient,
  path: string,
  fields: Record<string, string | string[]>,
  files: Array<{ name: string; filename: string; type: string; data: Uint8Array }> = [],
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
  for (const file of files)
    form.append(file.name, new Blob([new Uint8Array(file.data)], { type: file.type }), file.filename);
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(new URL(path, client.baseUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
  for (const header of response.headers.getSetCookie()) {
    const [pair = ''] = header.split(';');
    const index = pair.indexOf('=');
    if (pair.slice(index + 1)) client.cookies.set(pair.slice(0, index), pair.slice(index + 1));
  }
  return response;
}

async function csrf(client: TestClient, path = '/reports/new'): Promise<string> {
  const { csrf: token } = await client.page(path);
  assert.ok(token, 'the page carries a CSRF token');
  return token;
}

/** A place in the demo city with no open report of `category` within 300 m, searching a grid from the centre. */
async function quietPlace(category: string, nudge = 0): Promise<{ lat: number; lng: number }> {
  const row = await server.ctx.db
    .selectFrom('reports_category')
    .select('id')
    .where('code', '=', category)
    .executeTakeFirstOrThrow();
  for (let i = 0; i < 200; i++) {
    const lat = Number((city.map.lat - 0.015 + ((i * 7 + nudge) % 20) * 0.0015).toFixed(6));
    const lng = Number((city.map.lng - 0.03 + ((i * 3 + nudge) % 30) * 0.002).toFixed(6));
    if ((await findOpenReportsNearby(server.ctx.db, city.id, row.id, lat, lng, 300)).length === 0) return { lat, lng };
  }
  throw new Error('no quiet place found');
}

function reportIdFrom(response: Response): number {
  const location = response.headers.get('location') ?? '';
  const match = /^\/reports\/(\d+)$/.exec(location);
  assert.ok(match, `redirects to the new report (got ${response.status} ${location})`);
  return Number(match[1]);
}

/** A structurally valid JPEG whose APP1 Exif block holds GPS coordinates. */
function jpegWithGps(): { file: Uint8Array; scan: Buffer } {
  const segment = (marker: number, payload: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUInt16BE(marker, 0);
    header.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([header, payload]);
  };
  const jfif = segment(
    0xffe0,
    Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
  );
  // TIFF (big-endian) with IFD0 holding one entry: the GPS IFD pointer, then a GPS "IFD" as ASCII text
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x8825, 10);
  tiff.writeUInt16BE(4, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18);
  const exif = segment(
    0xffe1,
    Buffer.concat([
      Buffer.from('Exif\0\0', 'latin1'),
      tiff,
      Buffer.from('GPSLatitude 44.1035 N GPSLongitude 9.8245 E', 'latin1'),
    ]),
  );
  const quantisation = segment(0xffdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  // a frame header: 1 × 1 pixel, one component (the size must be known before the photo is accepted)
  const frame = segment(0xffc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
  const scan = Buffer.concat([
    Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
  return { file: Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, exif, quantisation, frame, scan]), scan };
}

/** Checks that a document is well-formed XML: one root, balanced tags, quoted attributes, known entities. */
function assertWellFormedXml(text: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token =
    /<\/?([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)|<(?![/A-Za-z])/g;
  let match: RegExpExecArray | null;
  let roots = 0;
  while ((match = token.exec(body))) {
    const [whole, name, , selfClosing] = match;
    assert.ok(name, `malformed markup near: ${body.slice(match.index, match.index + 40)}`);
    names.push(name);
    if (whole.startsWith('</')) assert.equal(stack.pop(), name, `closing </${name}> matches its opening tag`);
    else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  assert.equal(stack.length, 0, 'every element is closed');
  assert.equal(roots, 1, 'one root element');
  return names;
}

describe('the report form', () => {
  test('shows every problem at once, linked to its field, and keeps what was typed', async () => {
    const { client } = await signedInClient(server);
    const token = await csrf(client);
    const response = await postMultipart(client, '/reports', {
      _csrf: token,
      category: 'pothole',
      lat: '',
      lng: '',
      description: '',
      address: 'Near the kiosk',
    });
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /class="error-summary"/);
    assert.match(page, /href="#description"/, 'the summary links to the description');
    assert.match(page, /href="#lat"/, 'and to the place');
    assert.match(page, /href="#q-pothole-location_type-0"/, 'and to the first choice of the required question');
    assert.match(page, /<option value="pothole" selected>/, 'the category stays chosen');
    assert.match(page, /value="Near the kiosk"/, 'the address stays');
    assert.match(
      page,
      /<fieldset class="field field--error"[^>]*>\s*<legend>Where is it\?/,
      'a choice question is a fieldset with a legend',
    );
  });

  test('refuses a place outside the city and a missing e-mail from an anonymous resident', async () => {
    const client = new TestClient(server.url);
    const token = await csrf(client);
    const response = await postMultipart(client, '/reports', {
      _csrf: token,
      category: 'graffiti',
      lat: '45.5',
      lng: '9.1',
      description: 'Tags on the wall',
    });
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /outside the city/);
    assert.match(page, /href="#email"/);
    assert.match(page, /Tags on the wall<\/textarea>/);
  });

  test('stores a signed-in resident’s report with its answers, routes it and makes them follow it', async () => {
    const { client, user } = await signedInClient(server);
    const place = await quietPlace('pothole');
    const token = await csrf(client);
    const response = await postMultipart(client, '/reports', {
      _csrf: token,
      category: 'pothole',
      lat: String(place.lat),
      lng: String(place.lng),
      address: 'Corso Garibaldi 40',
      'answer.pothole.location_type': 'bike_lane',
      'answer.pothole.width_cm': '35',
      // answers for another category are ignored
      'answer.tree.blocking': 'yes',
      description: 'A deep hole in the bike lane.',
      showName: 'yes',
    });
    const id = reportIdFrom(response);
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.ok(report);
    assert.equal(report.categoryCode, 'pothole');
    assert.deepEqual(report.answers, { location_type: 'bike_lane', width_cm: '35' });
    assert.equal(report.showName, true);
    assert.ok(report.departmentId, 'routed to a department');
    const follows = await server.ctx.db
      .selectFrom('reports_subscription')
      .select('id')
      .where('report_id', '=', id)
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(follows.length, 1);
    const page = await client.page(`/reports/${id}`);
    assert.match(page.html, /your report has been sent/);
    assert.match(page.html, /A deep hole in the bike lane\./);
    assert.match(page.html, /Bike lane/, 'answers are shown with their option names');
    assert.match(page.html, /property="og:type" content="article"/);
    assert.match(page.html, /Roads and Public Works/, 'the department in charge is named');
  });

  test('an anonymous resident can report with an e-mail address, which is never shown', async () => {
    const client = new TestClient(server.url);
    const place = await quietPlace('graffiti', 3);
    const token = await csrf(client);
    const response = await postMultipart(client, '/reports', {
      _csrf: token,
      category: 'graffiti',
      lat: String(place.lat),
      lng: String(place.lng),
      description: 'Graffiti on the fountain.',
      email: 'Anon.Reporter@example.org',
      name: 'Anna',
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/reports/check-mail', 'published once the address confirms');
    const id = reportIdFrom(await confirmByMail(server, client, 'anon.reporter@example.org'));
    const row = await server.ctx.db
      .selectFrom('reports_report')
      .select(['author_email', 'author_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.author_email, 'anon.reporter@example.org');
    assert.equal(row.author_id, null);
    const html = await (await client.get(`/reports/${id}`)).text();
    assert.doesNotMatch(html, /anon\.reporter/i);
    assert.doesNotMatch(html, />Anna</, 'the name stays hidden unless chosen');
  });

  test('the address search works without JavaScript and fills the place', async () => {
    const client = new TestClient(server.url);
    const search = await (await client.get('/reports/new?q=via+del+porto+12')).text();
    const link = /href="(\/reports\/new\?lat=[^"]+)"/.exec(search)?.[1];
    assert.ok(link, 'a result links to the form with the place filled in');
    const form = await (await client.get(link.replace(/&amp;/g, '&'))).text();
    assert.match(form, /Via del Porto 12, Valmora/);
    const lat = Number(/id="lat" name="lat" type="text" inputmode="decimal" value="([^"]+)"/.exec(form)?.[1]);
    assert.ok(Math.abs(lat - city.map.lat) < 0.02, 'the address lies inside the city');
    const none = await (await client.get('/reports/new?q=nowhere+street')).text();
    assert.match(none, /No address matches/);
  });
});

describe('photos', () => {
  test('location metadata is stripped from a JPEG before it is stored; the image data is kept', async () => {
    const { client } = await signedInClient(server);
    const place = await quietPlace('streetlight', 5);
    const { file, scan } = jpegWithGps();
    const token = await csrf(client);
    const response = await postMultipart(
      client,
      '/reports',
      {
        _csrf: token,
        category: 'streetlight',
        lat: String(place.lat),
        lng: String(place.lng),
        description: 'Lamp off for a week.',
      },
      [{ name: 'photos', filename: 'lamp.jpg', type: 'image/jpeg', data: file }],
    );
    const id = reportIdFrom(response);
    const photo = await server.ctx.db
      .selectFrom('reports_photo')
      .select(['id', 'data', 'content_type'])
      .where('report_id', '=', id)
      .executeTakeFirstOrThrow();
    const stored = Buffer.from(photo.data);
    assert.equal(photo.content_type, 'image/jpeg');
    assert.ok(file.length > stored.length);
    assert.equal(stored.indexOf('GPSLatitude'), -1, 'no GPS text left');
    assert.equal(stored.indexOf('Exif'), -1, 'no Exif block left');
    assert.ok(stored.subarray(stored.length - scan.length).equals(scan), 'the compressed image data is unchanged');
    const served = await client.get(`/reports/${id}/photos/${photo.id}`);
    assert.equal(served.headers.get('content-type'), 'image/jpeg');
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(stored));
    assert.match(
      await (await client.get(`/reports/${id}`)).text(),
      new RegExp(`<img src="/reports/${id}/photos/${photo.id}" alt="Photo 1 of this report"`),
    );
  });

  test('a file that is not an image is refused and nothing is stored', async () => {
    const { client } = await signedInClient(server);
    const place = await quietPlace('litter', 7);
    const token = await csrf(client);
    const before = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const response = await postMultipart(
      client,
      '/reports',
      {
        _csrf: token,
        category: 'litter',
        lat: String(place.lat),
        lng: String(place.lng),
        description: 'Bags left by the bins.',
      },
      [
        {
          name: 'photos',
          filename: 'bags.jpg',
          type: 'image/jpeg',
          data: Buffer.from('#!/bin/sh\necho this is not a picture\n'),
        },
      ],
    );
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /href="#photos"/);
    assert.match(page, /must be a JPEG, PNG or WebP image/);
    const after = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
  });
});

describe('similar reports before sending', () => {
  test('an open report of the same category within 250 m is offered; "me too" follows it instead of sending', async () => {
    const first = await signedInClient(server);
    const place = await quietPlace('tree', 11);
    let token = await csrf(first.client);
    const id = reportIdFrom(
      await postMultipart(first.client, '/reports', {
        _csrf: token,
        category: 'tree',
        lat: String(place.lat),
        lng: String(place.lng),
        'answer.tree.blocking': 'yes',
        description: 'Fallen branch on the path.',
      }),
    );

    const second = await signedInClient(server);
    token = await csrf(second.client);
    const near = { lat: place.lat + 0.0009, lng: place.lng }; // about 100 m north
    const before = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const step = await postMultipart(second.client, '/reports', {
      _csrf: token,
      category: 'tree',
      lat: String(near.lat),
      lng: String(near.lng),
      'answer.tree.blocking': 'no',
      description: 'Big branch down.',
    });
    assert.equal(step.status, 200);
    const page = await step.text();
    assert.match(page, /Is it one of these\?/);
    assert.match(page, new RegExp(`action="/reports/${id}/me-too"`));
    assert.match(page, /about 100 m away/);
    assert.match(page, /name="confirmNew" value="yes"/, 'the resident can still send theirs');
    assert.match(page, /name="answer\.tree\.blocking" value="no"/, 'with every answer kept');

    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const meToo = await second.client.postForm(`/reports/${id}/me-too`, { _csrf: csrfToken });
    assert.equal(meToo.status, 303);
    assert.equal(meToo.headers.get('location'), `/reports/${id}`);
    const follows = await server.ctx.db
      .selectFrom('reports_subscription')
      .select('id')
      .where('report_id', '=', id)
      .where('user_id', '=', second.user.id)
      .execute();
    assert.equal(follows.length, 1);
    const after = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n, 'no second report was stored');
  });

  test('"my problem is different" sends the report with the photos chosen before', async () => {
    const first = await signedInClient(server);
    const place = await quietPlace('tree', 13);
    let token = await csrf(first.client);
    reportIdFrom(
      await postMultipart(first.client, '/reports', {
        _csrf: token,
        category: 'tree',
        lat: String(place.lat),
        lng: String(place.lng),
        'answer.tree.blocking': 'no',
        description: 'Broken swing.',
      }),
    );
    const second = await signedInClient(server);
    token = await csrf(second.client);
    const step = await postMultipart(
      second.client,
      '/reports',
      {
        _csrf: token,
        category: 'tree',
        lat: String(place.lat),
        lng: String(place.lng + 0.001),
        'answer.tree.blocking': 'yes',
        description: 'Dead tree leaning over the road.',
      },
      [{ name: 'photos', filename: 'tree.jpg', type: 'image/jpeg', data: jpegWithGps().file }],
    );
    const page = await step.text();
    const fields: Record<string, string> = Object.fromEntries(
      [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    assert.ok(fields.pendingPhotos, 'the photo waits under a token');
    const formAction = page.lastIndexOf('action="/reports"');
    assert.ok(formAction > 0);
    const confirmFields = Object.fromEntries(
      [...page.slice(formAction).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1] as string,
        m[2] as string,
      ]),
    );
    const sent = await second.client.postForm('/reports', confirmFields);
    const id = reportIdFrom(sent);
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.equal(report?.description, 'Dead tree leaning over the road.');
    const photos = await server.ctx.db.selectFrom('reports_photo').select('id').where('report_id', '=', id).execute();
    assert.equal(photos.length, 1);
  });
});

describe('updates, following and e-mail', () => {
  test('an update saying the problem is still there reopens a closed report', async () => {
    const { client } = await signedInClient(server);
    const place = await quietPlace('pothole', 17);
    let token = await csrf(client);
    const id = reportIdFrom(
      await postMultipart(client, '/reports', {
        _csrf: token,
        category: 'pothole',
        lat: String(place.lat),
        lng: String(place.lng),
        'answer.pothole.location_type': 'street',
        description: 'Hole by the school.',
      }),
    );
    await changeReportStatus(server.ctx, roadsOfficer, id, { status: 'fixed', publicText: 'Filled today.' });
    const closedPage = await client.page(`/reports/${id}`);
    assert.match(closedPage.html, /name="stillThere"/, 'a closed report offers "still there"');
    assert.match(closedPage.html, /Filled today\./, 'the public answer is in the history');
    token = closedPage.csrf;
    const empty = await postMultipart(client, `/reports/${id}/updates`, { _csrf: token, text: '' });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /href="#text"/);
    const response = await postMultipart(client, `/reports/${id}/updates`, {
      _csrf: token,
      text: 'It opened again after the rain.',
      stillThere: 'yes',
    });
    assert.equal(response.status, 303);
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.ok(report);
    assert.equal(report.status, 'confirmed');
    assert.equal(report.closedAt, null);
    const page = await (await client.get(`/reports/${id}`)).text();
    assert.match(page, /Reopened: a resident says the problem is still there/);
    assert.match(page, /It opened again after the rain\./);
  });

  test('followers get an e-mail when the status changes, with the public answer; the author of the change does not', async () => {
    const author = await signedInClient(server);
    const place = await quietPlace('graffiti', 19);
    const token = await csrf(author.client);
    const id = reportIdFrom(
      await postMultipart(author.client, '/reports', {
        _csrf: token,
        category: 'graffiti',
        lat: String(place.lat),
        lng: String(place.lng),
        description: 'Tags on the library.',
      }),
    );
    const follower = await signedInClient(server);
    const page = await follower.client.page(`/reports/${id}`);
    assert.match(page.html, /Follow this report/);
    const follow = await follower.client.postForm(`/reports/${id}/follow`, { _csrf: page.csrf });
    assert.equal(follow.status, 303);
    assert.match((await follower.client.page(`/reports/${id}`)).html, /Stop following/);

    const waste = await server.ctx.db
      .selectFrom('core_user')
      .select('id')
      .where('email', '=', 'parks@valmora.example')
      .executeTakeFirstOrThrow();
    const officer = (await findViewer(server.ctx.db, city.id, waste.id)) as Viewer;
    await changeReportStatus(server.ctx, officer, id, {
      status: 'in_progress',
      publicText: 'Cleaning is booked for Thursday.',
      internalNote: 'Use the graffiti remover',
    });
    await server.ctx.jobs.enqueue(NOTIFY_JOB, {});
    await server.ctx.jobs.runDue();
    const mail = await lastMailTo(server, follower.user.email);
    assert.ok(mail, 'the follower got a mail');
    assert.match(mail.subject, new RegExp(`#${id}.*In progress`));
    assert.match(mail.text_body, /Cleaning is booked for Thursday\./);
    assert.doesNotMatch(mail.text_body, /graffiti remover/, 'internal notes never leave the city');
    assert.match(mail.text_body, /\/reports\/unsubscribe\?token=/);
    const authorMail = await lastMailTo(server, author.user.email);
    assert.match(authorMail?.subject ?? '', new RegExp(`#${id}`), 'the author follows their report too');

    // the sweep does not send the same change twice
    const count = async () =>
      (await server.ctx.db.selectFrom('core_mail').select('id').where('to_address', '=', follower.user.email).execute())
        .length;
    const sent = await count();
    await server.ctx.jobs.enqueue(NOTIFY_JOB, {});
    await server.ctx.jobs.runDue();
    assert.equal(await count(), sent);

    // the unsubscribe link works without signing in
    const unsubscribeToken = /token=([\w-]+)/.exec(mail.text_body)?.[1] ?? '';
    const anonymous = new TestClient(server.url);
    const confirm = await anonymous.page(`/reports/unsubscribe?token=${unsubscribeToken}`);
    const removed = await anonymous.postForm('/reports/unsubscribe', { _csrf: confirm.csrf, token: unsubscribeToken });
    assert.equal(removed.status, 303);
    const left = await server.ctx.db
      .selectFrom('reports_subscription')
      .select('id')
      .where('report_id', '=', id)
      .where('user_id', '=', follower.user.id)
      .execute();
    assert.equal(left.length, 0);
  });

  test('district subscribers are told about new reports there', async () => {
    const watcher = await signedInClient(server);
    const page = await watcher.client.page('/reports/subscriptions');
    const subscribed = await watcher.client.postForm('/reports/subscriptions', {
      _csrf: page.csrf,
      district: 'station',
      category: '',
    });
    assert.equal(subscribed.status, 303);
    const reporter = await signedInClient(server);
    const token = await csrf(reporter.client);
    // Piazza della Stazione lies in the Station district
    const id = reportIdFrom(
      await postMultipart(reporter.client, '/reports', {
        _csrf: token,
        category: 'traffic_sign',
        lat: String(city.map.lat - 0.009),
        lng: String(city.map.lng + 0.0005),
        description: 'Sign bent over.',
        confirmNew: 'yes',
      }),
    );
    await server.ctx.jobs.runDue();
    const mail = await lastMailTo(server, watcher.user.email);
    assert.match(mail?.subject ?? '', new RegExp(`#${id}`));
  });
});

describe('list, map, API and feeds', () => {
  test('the list filters by status and district and pages through keyset links', async () => {
    const client = new TestClient(server.url);
    const district = await server.ctx.db
      .selectFrom('places_district')
      .select('id')
      .where('code', '=', 'harbour')
      .executeTakeFirstOrThrow();
    const api = (await (await client.get('/api/v1/reports?status=fixed&district=harbour&limit=5')).json()) as {
      reports: Array<{ id: number; status: string; districtId: number }>;
      next: string | null;
    };
    assert.ok(api.reports.length > 0);
    assert.ok(api.reports.every((report) => report.status === 'fixed' && report.districtId === district.id));
    assert.ok(api.next);
    const next = (await (
      await client.get(`/api/v1/reports?status=fixed&district=harbour&limit=5&before=${encodeURIComponent(api.next)}`)
    ).json()) as { reports: Array<{ id: number }> };
    const seen = new Set(api.reports.map((report) => report.id));
    assert.ok(
      next.reports.length > 0 && next.reports.every((report) => !seen.has(report.id)),
      'the next page holds other reports',
    );

    const open = (await (await client.get('/api/v1/reports?status=open&limit=200')).json()) as {
      reports: Array<{ isOpen: boolean }>;
    };
    assert.ok(open.reports.length > 0 && open.reports.every((report) => report.isOpen));

    const page = await (await client.get('/reports?category=graffiti&status=closed')).text();
    assert.match(page, /<svg viewBox="0 0 1000 \d+" role="img"/, 'the map is drawn without tiles or scripts');
    const categories = [...page.matchAll(/<h3><a href="\/reports\/\d+">([^<]+)<\/a><\/h3>/g)].map((m) => m[1] ?? '');
    assert.ok(categories.length > 0 && categories.every((title) => title.startsWith('Graffiti')));
    const bad = await client.get('/reports?from=yesterday');
    assert.equal(bad.status, 400);
  });

  test('clusters add up to the reports in the box', async () => {
    const client = new TestClient(server.url);
    const bbox = [city.map.lng - 0.05, city.map.lat - 0.03, city.map.lng + 0.05, city.map.lat + 0.03].join(',');
    const { clusters } = (await (await client.get(`/api/v1/reports/clusters?bbox=${bbox}&zoom=13`)).json()) as {
      clusters: Array<{ count: number }>;
    };
    const total = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('hidden_at', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(
      clusters.reduce((sum, cluster) => sum + cluster.count, 0),
      Number(total.n),
    );
    assert.ok(clusters.length > 1 && clusters.length < Number(total.n), 'reports are grouped');
    assert.equal((await client.get('/api/v1/reports/clusters?bbox=1,2,3&zoom=13')).status, 400);
  });

  test('the Atom feeds are well-formed and filtered', async () => {
    const client = new TestClient(server.url);
    const response = await client.get('/reports/feed.atom?district=harbour&category=pothole');
    assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    const xml = await response.text();
    const names = assertWellFormedXml(xml);
    assert.equal(names[0], 'feed');
    assert.match(xml, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/);
    const terms = [...xml.matchAll(/<category term="([^"]+)"\/>/g)].map((m) => m[1]);
    assert.ok(terms.length > 0 && terms.every((term) => term === 'pothole'));

    const [report] = (
      (await (await client.get('/api/v1/reports?status=fixed&limit=1')).json()) as { reports: Array<{ id: number }> }
    ).reports;
    const single = await (await client.get(`/reports/${report?.id}/feed.atom`)).text();
    assertWellFormedXml(single);
    assert.match(single, /Status changed to “Fixed”/);
  });

  test('the home page shows recent reports and the way to report one; the menu links to the list', async () => {
    const html = await (await new TestClient(server.url).get('/')).text();
    assert.match(html, /id="home-reports"/);
    assert.match(html, /href="\/reports\/new"/);
    assert.match(html, /<a href="\/reports">Reports<\/a>/);
  });
});

describe('personal data', () => {
  test('the export holds the resident’s reports and subscriptions; deletion hides what they asked to remove', async () => {
    const { client, user } = await signedInClient(server);
    const place = await quietPlace('litter', 23);
    const token = await csrf(client);
    const id = reportIdFrom(
      await postMultipart(
        client,
        '/reports',
        {
          _csrf: token,
          category: 'litter',
          lat: String(place.lat),
          lng: String(place.lng),
          description: 'Mattress by the river.',
        },
        [{ name: 'photos', filename: 'm.jpg', type: 'image/jpeg', data: jpegWithGps().file }],
      ),
    );
    const exported = (await (await client.get('/account/export')).json()) as {
      reports: { reports: Array<{ id: number }>; subscriptions: unknown[]; photos: Array<{ dataUrl: string }> };
    };
    assert.deepEqual(
      exported.reports.reports.map((report) => report.id),
      [id],
    );
    assert.equal(exported.reports.subscriptions.length, 1);
    assert.match(exported.reports.photos[0]?.dataUrl ?? '', /^data:image\/jpeg;base64,/);
    const page = await client.page('/account');
    const deleted = await client.postForm('/account/delete', {
      _csrf: page.csrf,
      deletePassword: user.password,
      removeContent: 'yes',
    });
    assert.equal(deleted.status, 303);
    assert.equal(await findReportById(server.ctx.db, city.id, id), undefined, 'the report is no longer public');
    const photos = await server.ctx.db.selectFrom('reports_photo').select('id').where('report_id', '=', id).execute();
    assert.equal(photos.length, 0);
  });
});
