import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changeReportStatus, submitReport } from '../../src/modules/reports/index.ts';
import { followReport } from '../../src/modules/reports/subscriptions.repository.ts';
import { notifySubscribers } from '../../src/modules/reports/subscriptions.ts';
import { hashPassword } from '../../src/platform/auth/passwords.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { addCity, setCityUrl } from '../../src/platform/organisations/operator.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { lastMailTo } from '../support/factories.ts';
import { HostClient } from '../support/host-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let port: string;
let brugmont: Organisation;
before(async () => {
  server = await startTestServer();
  port = new URL(server.url).port;
  const added = await addCity(
    server.ctx.db,
    server.organisations,
    { slug: 'brugmont', name: 'Brugmont', url: `http://brugmont.example:${port}`, language: 'nl' },
    'test',
  );
  assert.ok(added.ok);
  brugmont = added.organisation;
});
after(() => server.close());

/** The links of the last mail to `address`. */
async function mailedLinks(address: string): Promise<URL[]> {
  const mail = await lastMailTo(server, address);
  assert.ok(mail, `a mail went to ${address}`);
  return [...mail.text_body.matchAll(/https?:\/\/\S+/g)].map(([url]) => new URL(url));
}

describe('several cities on one installation', () => {
  test('a resident of the second city gets a confirmation link on that city’s host, and it works there', async () => {
    const resident = new HostClient(server.url, `brugmont.example:${port}`);
    const email = 'jef@brugmont.example';
    const password = 'a long enough password';
    const signUp = await resident.submit('/sign-up', '/sign-up', {
      displayName: 'Jef',
      email,
      password,
      acceptTerms: 'yes',
    });
    assert.equal(signUp.status, 200);
    const link = (await mailedLinks(email)).find((url) => url.pathname === '/confirm');
    assert.ok(link, 'the mail carries a confirmation link');
    assert.equal(link.host, `brugmont.example:${port}`, 'the link opens on Brugmont’s address, not PUBLIC_URL');

    // the resident opens the link: a browser would go to its host, which this server answers as Brugmont
    const opened = new HostClient(server.url, link.host);
    const confirmed = await opened.get(`${link.pathname}${link.search}`);
    assert.equal(confirmed.status, 200, await confirmed.clone().text());
    const signIn = await resident.submit('/sign-in', '/sign-in', { email, password });
    assert.equal(signIn.status, 303, 'the account is confirmed and signs in on Brugmont');

    await resident.submit('/password-reset', '/password-reset', { email });
    const reset = (await mailedLinks(email)).find((url) => url.pathname === '/password-reset/new');
    assert.equal(reset?.host, `brugmont.example:${port}`, 'the password reset link too');
  });

  test('a report notification of the second city links to it, and its one-click unsubscribe works there', async () => {
    await server.ctx.db
      .insertInto('reports_category')
      .values({
        organisation_id: brugmont.id,
        code: 'streetlight',
        group_name: JSON.stringify({ nl: 'Straten' }),
        name: JSON.stringify({ nl: 'Straatlamp stuk' }),
        description: '{}',
        keywords: 'lamp',
        expected_hours: 72,
        default_department_id: null,
        sort: 0,
      })
      .execute();
    const report = await submitReport(server.ctx, brugmont, {
      categoryCode: 'streetlight',
      lat: 50.85,
      lng: 4.35,
      description: 'De lamp aan de kerk brandt niet.',
      source: 'web',
    });
    assert.ok('ok' in report, JSON.stringify(report));
    const follower = 'buur@brugmont.example';
    await followReport(server.ctx.db, brugmont.id, report.id, { email: follower });
    const staff = await server.ctx.db
      .insertInto('core_user')
      .values({
        organisation_id: brugmont.id,
        email: 'werken@brugmont.example',
        display_name: 'Openbare werken',
        password_hash: await hashPassword('a long enough password'),
        role: 'admin',
        language: 'nl',
        email_confirmed_at: new Date(),
        birth_year: null,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const officer = (await findViewer(server.ctx.db, brugmont.id, staff.id)) as Viewer;
    await changeReportStatus(server.ctx, officer, report.id, { status: 'in_progress', publicText: 'Gepland.' });
    await notifySubscribers(server.ctx);

    const links = await mailedLinks(follower);
    const origin = `http://brugmont.example:${port}`;
    assert.ok(
      links.some((url) => url.href === `${origin}/reports/${report.id}`),
      links.join(' '),
    );
    assert.ok(links.some((url) => url.origin === origin && url.pathname === '/reports/unsubscribe'));
    const mail = await lastMailTo(server, follower);
    const oneClick = new URL(
      /<([^>]+)>/.exec((mail?.headers as Record<string, string>)['List-Unsubscribe'] ?? '')?.[1] ?? 'http://missing',
    );
    assert.equal(oneClick.origin, origin, 'List-Unsubscribe points to Brugmont too');
    const stopped = await new HostClient(server.url, oneClick.host).request(
      'POST',
      `${oneClick.pathname}${oneClick.search}`,
      {
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );
    assert.equal(stopped.status, 200);
    const left = await server.ctx.db
      .selectFrom('reports_subscription')
      .select('id')
      .where('report_id', '=', report.id)
      .where('email', '=', follower)
      .execute();
    assert.equal(left.length, 0, 'the one-click address, on Brugmont’s host, stopped the mails');
  });

  test('the default city keeps PUBLIC_URL in its mails', async () => {
    const resident = new TestClient(server.url);
    const email = 'ann@example.org';
    await resident.submit('/sign-up', '/sign-up', {
      displayName: 'Ann',
      email,
      password: 'a long enough password',
      acceptTerms: 'yes',
    });
    const link = (await mailedLinks(email)).find((url) => url.pathname === '/confirm');
    assert.equal(link?.origin, server.config.publicUrl.origin);
  });

  test('share cards, feeds and Open311 discovery of the second city give its address', async () => {
    const visitor = new HostClient(server.url, `brugmont.example:${port}`);
    const home = await (await visitor.get('/')).text();
    assert.match(home, new RegExp(`<meta property="og:url" content="http://brugmont\\.example:${port}/"`));
    assert.match(home, new RegExp(`<link rel="canonical" href="http://brugmont\\.example:${port}/"`));
    const feed = await (await visitor.get('/reports/feed.atom')).text();
    assert.match(feed, new RegExp(`href="http://brugmont\\.example:${port}/reports"`));
    assert.doesNotMatch(feed, /localhost:3000/);
    const discovery = (await (await visitor.get('/open311/v2/discovery.json')).json()) as {
      endpoints: Array<{ url: string }>;
    };
    assert.equal(discovery.endpoints[0]?.url, `http://brugmont.example:${port}/open311/v2`);
  });

  test('the operator changes a city’s address; a host another city uses is refused', async () => {
    const moved = await setCityUrl(
      server.ctx.db,
      server.organisations,
      brugmont,
      'https://www.brugmont.example',
      'test',
    );
    assert.ok(moved.ok);
    assert.equal(moved.organisation.publicUrl, 'https://www.brugmont.example');
    assert.deepEqual(moved.organisation.hosts, ['brugmont.example', 'www.brugmont.example']);
    // the city now served over HTTPS (behind its TLS proxy) gets Secure cookies; the plain-HTTP default city does not
    const overTls = await new HostClient(server.url, `www.brugmont.example:${port}`).request('GET', '/');
    assert.match(overTls.headers.getSetCookie().join('\n'), /; Secure/i);
    const plain = await new HostClient(server.url, `localhost:${port}`).request('GET', '/');
    assert.ok(plain.headers.getSetCookie().length > 0);
    assert.doesNotMatch(plain.headers.getSetCookie().join('\n'), /Secure/i);
    const [first] = await server.organisations.findAll();
    const taken = await setCityUrl(
      server.ctx.db,
      server.organisations,
      first as Organisation,
      'https://www.brugmont.example',
      'test',
    );
    assert.deepEqual(taken, {
      ok: false,
      problem: 'the host www.brugmont.example already belongs to the city brugmont',
    });
    const wrong = await setCityUrl(server.ctx.db, server.organisations, brugmont, 'https://x.example/path', 'test');
    assert.equal(wrong.ok, false);
    await setCityUrl(
      server.ctx.db,
      server.organisations,
      moved.organisation,
      `http://brugmont.example:${port}`,
      'test',
    );
  });
});
