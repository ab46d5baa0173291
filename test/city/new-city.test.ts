import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importDistricts } from '../../src/modules/places/index.ts';
import { createAdministrator } from '../../src/platform/auth/administrators.ts';
import { addCity, createCity } from '../../src/platform/organisations/operator.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { lastMailTo } from '../support/factories.ts';
import { HostClient } from '../support/host-client.ts';
import { runScript, TempFolders } from '../support/process.ts';
import { createScratchDatabase, startTestServer, type TestServer } from '../support/server.ts';

/**
 * A new city from nothing: `npm run city -- create` and `list` in a child process on both databases, the city
 * answering on its own host with its own address, its first-run checklist, and the installation's page of
 * cities with each city's map tiles, open to installation administrators only.
 */

const PASSWORD = 'a long enough password';
const folders = new TempFolders();
after(() => folders.removeAll());

/** A small square district around a point, as GeoJSON. */
function districtsFile(features: unknown[]): string {
  const file = path.join(folders.make('ic-districts-'), 'districts.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

function square(code: string, name: string, lng: number, lat: number) {
  const d = 0.01;
  return {
    type: 'Feature',
    properties: { code, name },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [lng - d, lat - d],
          [lng + d, lat - d],
          [lng + d, lat + d],
          [lng - d, lat + d],
          [lng - d, lat - d],
        ],
      ],
    },
  };
}

for (const database of ['PGlite', 'PostgreSQL'] as const) {
  test(
    `npm run city -- create checks every argument, creates nothing when one is wrong, and list shows the city (${database})`,
    {
      timeout: 600_000,
      skip: database === 'PostgreSQL' && !process.env.DATABASE_URL ? 'needs DATABASE_URL (PostgreSQL)' : false,
    },
    async () => {
      const scratch =
        database === 'PostgreSQL'
          ? await createScratchDatabase(process.env.DATABASE_URL as string, 'ic_city')
          : undefined;
      const env = {
        DATA_DIR: folders.make(),
        DATABASE_URL: scratch?.url ?? '',
        PUBLIC_URL: 'http://localhost:3000',
        SECRET_KEY: 'city-cli-test-secret-key-0123456789abcdef',
        LOG_LEVEL: 'warn',
      };
      const city = async (...args: string[]) => {
        const run = runScript('src/cli/city.ts', args, env);
        return { code: await run.exit, output: run.output() };
      };
      try {
        const base = ['create', '--name', 'Reggio nell’Emilia', '--host', 'partecipa.reggio.example'];
        const language = await city(...base, '--languages', 'it,xx');
        assert.equal(language.code, 1);
        assert.match(
          language.output,
          /The city was not created: "xx" is not a language of the platform \(known: en, it/,
        );
        const zone = await city(...base, '--time-zone', 'Europe/Rom');
        assert.equal(zone.code, 1);
        assert.match(zone.output, /"Europe\/Rom" is not a time zone/);
        const usage = await city('create', '--host', 'x.example');
        assert.equal(usage.code, 2);
        assert.match(usage.output, /--name and --host are required/);

        // a district without a code: the city written before the import is rolled back with it (the create
        // below, of the same slug and host, would be refused if anything were left)
        const bad = districtsFile([square('', 'Centro', 10.63, 44.7)]);
        const districts = await city(...base, '--districts', bad);
        assert.equal(districts.code, 1);
        assert.match(districts.output, /has problems:\n {2}- feature 1: a "code" property is required/);

        const good = districtsFile([
          square('centro', 'Centro storico', 10.63, 44.7),
          square('nord', 'Nord', 10.65, 44.72),
        ]);
        const created = await city(
          ...base,
          '--url',
          'https://partecipa.reggio.example',
          '--languages',
          'it,en',
          '--time-zone',
          'Europe/Rome',
          '--districts',
          good,
        );
        assert.equal(created.code, 0, created.output);
        assert.match(
          created.output,
          /Created the city reggio-nell-emilia at https:\/\/partecipa\.reggio\.example .*2 districts/,
        );
        const listed = await city('list');
        assert.equal(listed.code, 0);
        const lines = listed.output.trim().split('\n');
        assert.match(lines[0] ?? '', /^SLUG\s+NAME\s+HOSTS\s+PUBLIC URL\s+LANGUAGES\s+TIME ZONE/);
        assert.match(
          listed.output,
          /reggio-nell-emilia\s+Reggio nell’Emilia\s+partecipa\.reggio\.example\s+https:\/\/partecipa\.reggio\.example\s+it,en\s+Europe\/Rome\s+default/,
        );
        assert.equal(lines.length, 2, 'one city, nothing left of the refused one');
      } finally {
        await scratch?.drop();
      }
    },
  );
}

describe('a new city on a running installation', () => {
  let server: TestServer;
  let port: string;
  let borgo: Organisation;
  let borgoHost: string;
  const installer = { email: 'installer@example.org', password: PASSWORD };
  const borgoAdmin = { email: 'sindaco@borgo.example', password: PASSWORD };

  before(async () => {
    server = await startTestServer();
    port = new URL(server.url).port;
    borgoHost = `borgo.example:${port}`;
    const created = await createCity(
      server.ctx.db,
      server.organisations,
      {
        name: 'Borgo Nuovo',
        host: 'borgo.example',
        url: `http://${borgoHost}`,
        languages: ['it', 'en'],
        timeZone: 'Europe/Rome',
      },
      'test',
    );
    assert.ok(created.ok, JSON.stringify(created));
    borgo = created.organisation;
    const [home] = await server.organisations.findAll();
    await createAdministrator(server.ctx.db, home as Organisation, {
      ...installer,
      name: 'Installer',
      actorLabel: 'test',
      installation: true,
    });
    await createAdministrator(server.ctx.db, borgo, { ...borgoAdmin, name: 'Sindaco', actorLabel: 'test' });
  });
  after(() => server.close());

  async function signedIn(host: string, who: { email: string; password: string }): Promise<HostClient> {
    const client = new HostClient(server.url, host);
    const response = await client.submit('/sign-in', '/sign-in', who);
    assert.equal(response.status, 303, `${who.email} signs in on ${host}`);
    return client;
  }

  test('a host or slug another city has is refused; npm run admin -- add-city goes through the same checks', async () => {
    const taken = await createCity(
      server.ctx.db,
      server.organisations,
      { name: 'Altro', host: 'BORGO.example.' },
      'test',
    );
    assert.deepEqual(taken, { ok: false, problem: 'the host borgo.example already belongs to the city borgo-nuovo' });
    const slug = await createCity(
      server.ctx.db,
      server.organisations,
      { name: 'Borgo  Nuovo!', host: 'b.example' },
      'test',
    );
    assert.deepEqual(slug, { ok: false, problem: 'there is already a city borgo-nuovo' });
    const zone = await addCity(
      server.ctx.db,
      server.organisations,
      { slug: 'altro', name: 'Altro', url: 'https://borgo.example', language: 'it' },
      'test',
    );
    assert.deepEqual(zone, { ok: false, problem: 'the host borgo.example already belongs to the city borgo-nuovo' });
    const unknown = await addCity(
      server.ctx.db,
      server.organisations,
      { slug: 'altro', name: 'Altro', url: 'https://altro.example', language: 'xx' },
      'test',
    );
    assert.equal(unknown.ok, false);
    assert.equal((await server.organisations.findAll()).length, 2);
  });

  test('the new city answers on its own host, in its language, with its own address in a confirmation mail', async () => {
    const resident = new HostClient(server.url, borgoHost);
    const home = await resident.get('/');
    assert.equal(home.status, 200);
    const page = await home.text();
    assert.match(page, /<html lang="it"/);
    assert.match(page, /Borgo Nuovo/);
    const email = 'anna@borgo.example';
    const signUp = await resident.submit('/sign-up', '/sign-up', {
      displayName: 'Anna',
      email,
      password: PASSWORD,
      acceptTerms: 'yes',
    });
    assert.equal(signUp.status, 200);
    const mail = await lastMailTo(server, email);
    const link = [...(mail?.text_body ?? '').matchAll(/https?:\/\/\S+/g)]
      .map(([url]) => new URL(url))
      .find((url) => url.pathname === '/confirm');
    assert.equal(link?.origin, `http://${borgoHost}`, 'the link opens on the new city’s address');
    const confirmed = await new HostClient(server.url, borgoHost).get(`${link.pathname}${link.search}`);
    assert.equal(confirmed.status, 200);
  });

  test('the first-run checklist goes from not done to done as the city’s data is added', async () => {
    const admin = await signedIn(borgoHost, borgoAdmin);
    const states = async (): Promise<Record<string, string>> => {
      const response = await admin.get('/admin/first-steps');
      assert.equal(response.status, 200);
      const html = await response.text();
      return Object.fromEntries(
        [...html.matchAll(/<li id="step-([a-z]+)" data-done="(yes|no)">/g)].map(([, key = '', done = '']) => [
          key,
          done,
        ]),
      );
    };
    assert.deepEqual(await states(), {
      districts: 'no',
      departments: 'no',
      categories: 'no',
      channels: 'no',
      privacy: 'no',
      conduct: 'no',
    });
    assert.match(await (await admin.get('/admin')).text(), /href="\/admin\/first-steps">[^<]*0[^<]*6/);

    const db = server.ctx.db;
    const imported = await importDistricts(
      db,
      borgo.id,
      { type: 'FeatureCollection', features: [square('centro', 'Centro', 4.35, 50.85)] },
      'it',
    );
    assert.ok(imported.ok);
    const department = await db
      .insertInto('core_department')
      .values({ organisation_id: borgo.id, slug: 'strade', name: JSON.stringify({ it: 'Strade' }), email: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.equal((await states()).departments, 'no', 'a department without people is not enough');
    const person = await db
      .selectFrom('core_user')
      .select('id')
      .where('email', '=', borgoAdmin.email)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('core_department_member')
      .values({ organisation_id: borgo.id, department_id: department.id, user_id: person.id })
      .execute();
    const category = await db
      .insertInto('reports_category')
      .values({
        organisation_id: borgo.id,
        code: 'buche',
        group_name: JSON.stringify({ it: 'Strade' }),
        name: JSON.stringify({ it: 'Buca nella strada' }),
        description: '{}',
        default_department_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('reports_question')
      .values({
        organisation_id: borgo.id,
        category_id: category.id,
        code: 'profondita',
        datatype: 'string',
        label: JSON.stringify({ it: 'Quanto è profonda?' }),
        help: '{}',
        options: '[]',
      })
      .execute();
    assert.equal((await states()).categories, 'no', 'a category routed to nobody is not done');
    await db
      .updateTable('reports_category')
      .set({ default_department_id: department.id })
      .where('id', '=', category.id)
      .execute();
    await db
      .insertInto('inbox_channel')
      .values({
        organisation_id: borgo.id,
        kind: 'email',
        name: 'Posta',
        settings: '{}',
        secrets: null,
        last_error: null,
        cursor: null,
        last_polled_at: null,
        last_received_at: null,
        archived_at: null,
      })
      .execute();
    await db
      .insertInto('legal_text')
      .values({
        organisation_id: borgo.id,
        kind: 'privacy',
        version: 1,
        body: JSON.stringify({ it: 'Informativa.' }),
        published_by: null,
      })
      .execute();
    assert.deepEqual(await states(), {
      districts: 'yes',
      departments: 'yes',
      categories: 'yes',
      channels: 'yes',
      privacy: 'yes',
      conduct: 'no',
    });
    await db
      .insertInto('legal_text')
      .values({
        organisation_id: borgo.id,
        kind: 'conduct',
        version: 1,
        body: JSON.stringify({ it: 'Codice.' }),
        published_by: null,
      })
      .execute();
    assert.ok(Object.values(await states()).every((done) => done === 'yes'));
    assert.doesNotMatch(
      await (await admin.get('/admin')).text(),
      /href="\/admin\/first-steps">[^<]*6/,
      'no notice once done',
    );
    // the default city's checklist is its own
    const other = await signedIn(`localhost:${port}`, installer);
    assert.match(await (await other.get('/admin/first-steps')).text(), /data-done="no"/);
  });

  test('the installation’s page lists every city for installation administrators only', async () => {
    const installation = await signedIn(`localhost:${port}`, installer);
    const page = await installation.get('/installation/cities');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<tr id="city-borgo-nuovo">/);
    assert.match(html, new RegExp(`borgo\\.example</td>\\s*<td><a href="http://borgo\\.example:${port}">`));
    assert.match(html, /Europe\/Rome/);
    assert.match(html, /<span lang="it">Italiano<\/span>, <span lang="en">English<\/span>/);

    const cityAdmin = await signedIn(borgoHost, borgoAdmin);
    assert.equal(
      (await cityAdmin.get('/installation/cities')).status,
      403,
      'a city’s administrator is not the installation’s',
    );
    assert.equal((await cityAdmin.get(`/installation/cities/${borgo.id}/map`)).status, 403);
    const refused = await cityAdmin.postForm(`/installation/cities/${borgo.id}/map`, {
      _csrf: (await cityAdmin.page('/admin')).csrf,
      tileUrl: 'https://evil.example/{z}/{x}/{y}.png',
      attribution: 'x',
      maxZoom: '18',
    });
    assert.equal(refused.status, 403);
    assert.equal((await server.organisations.findById(borgo.id))?.tiles, null);
    // the installation administrator's session belongs to the city they signed in on, not to Borgo's host
    const elsewhere = new HostClient(server.url, borgoHost);
    for (const [name, value] of installation.cookies) elsewhere.cookies.set(name, value);
    assert.notEqual((await elsewhere.get('/installation/cities')).status, 200);
    assert.notEqual((await new HostClient(server.url, `localhost:${port}`).get('/installation/cities')).status, 200);
    assert.equal((await installation.get('/installation/cities/99999/map')).status, 404);
  });

  test('a city’s own map tiles: bad input is refused field by field; its pages use them and its CSP allows that host only', async () => {
    const installation = await signedIn(`localhost:${port}`, installer);
    const form = `/installation/cities/${borgo.id}/map`;
    const bad = await installation.submit(form, form, {
      tileUrl: 'http://tiles.borgo.example/{z}/{x}.png',
      attribution: '',
      maxZoom: '30',
    });
    assert.equal(bad.status, 400);
    const shown = await bad.text();
    assert.match(shown, /id="tileUrl-error">Give an https address with \{z\}, \{x\} and \{y\}\./);
    assert.match(shown, /id="attribution-error">Give the tile provider’s credit/);
    assert.match(shown, /id="maxZoom-error">Give a whole number from 1 to 22\./);
    assert.match(shown, /value="http:\/\/tiles\.borgo\.example\/\{z\}\/\{x\}\.png"/, 'what was typed is kept');
    assert.equal((await server.organisations.findById(borgo.id))?.tiles, null);

    const saved = await installation.submit(form, form, {
      tileUrl: 'https://tiles.borgo.example/{z}/{x}/{y}.png',
      attribution: '© Borgo Nuovo',
      maxZoom: '18',
    });
    assert.equal(saved.status, 303);
    assert.deepEqual((await server.organisations.findById(borgo.id))?.tiles, {
      tileUrl: 'https://tiles.borgo.example/{z}/{x}/{y}.png',
      attribution: '© Borgo Nuovo',
      maxZoom: 18,
    });
    // the host cache of the organisation lookup lasts a few seconds
    await new Promise((resolve) => setTimeout(resolve, 5100));
    const reports = await new HostClient(server.url, borgoHost).get('/reports');
    assert.equal(reports.status, 200);
    assert.match(
      reports.headers.get('content-security-policy') ?? '',
      /img-src 'self' data: blob: https:\/\/tiles\.borgo\.example;/,
    );
    const settings = /<script type="application\/json" id="street-map-settings">([^<]*)<\/script>/.exec(
      await reports.text(),
    );
    assert.ok(settings, 'the street map is drawn over the city’s tiles');
    const street = JSON.parse(settings[1] ?? '{}') as { tileUrl?: string };
    assert.equal(street.tileUrl, 'https://tiles.borgo.example/{z}/{x}/{y}.png');
    const home = await new HostClient(server.url, `localhost:${port}`).get('/reports');
    assert.doesNotMatch(
      home.headers.get('content-security-policy') ?? '',
      /tiles\.borgo\.example/,
      'other cities do not allow it',
    );
    assert.doesNotMatch(await home.text(), /street-map-settings/);

    // emptied, the city goes back to the installation's tiles (none here)
    const cleared = await installation.submit(form, form, { tileUrl: '', attribution: '', maxZoom: '19' });
    assert.equal(cleared.status, 303);
    assert.equal((await server.organisations.findById(borgo.id))?.tiles, null);
  });

  test('the new pages pass axe and work with the keyboard', { timeout: 120_000 }, async (t) => {
    const browser = await launchBrowser();
    if (!browser) {
      t.skip(CHROMIUM_MISSING);
      return;
    }
    try {
      const page = await browser.newPage({ baseURL: `http://localhost:${port}` });
      await page.goto('/sign-in?next=/installation/cities');
      const form = page.locator('main form[action="/sign-in"]');
      await form.locator('input[name="email"]').fill(installer.email);
      await form.locator('input[name="password"]').fill(installer.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/installation/cities'),
        form.locator('button[type="submit"]').click(),
      ]);
      await assertNoAxeViolations(page, '/installation/cities');
      await page.goto('/admin/first-steps');
      await assertNoAxeViolations(page, '/admin/first-steps');
      await page.goto('/admin');
      await assertNoAxeViolations(page, '/admin with the first-steps notice');
      await page.goto(`/installation/cities/${borgo.id}/map`);
      await page.locator('#tileUrl').fill('ftp://nowhere');
      await page.locator('#attribution').fill('');
      await page.locator('#maxZoom').fill('0');
      await page.locator('#maxZoom').press('Enter');
      await page.waitForSelector('.error-summary');
      await assertNoAxeViolations(page, 'the map settings form with errors');
    } finally {
      await browser.close();
    }
  });
});
