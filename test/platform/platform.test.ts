import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { errorMessageKey } from '../../src/platform/http/errors.ts';
import { errorDefinition } from '../../src/platform/errors.ts';
import { buildRegistry } from '../../src/platform/module.ts';
import { MODULES } from '../../src/main.ts';
import { after, before, describe, test } from 'node:test';
import { request as httpRequest } from 'node:http';
import { pino } from 'pino';
import { loadConfig } from '../../src/platform/config.ts';
import { loggedUrl } from '../../src/platform/logger.ts';
import { JobQueue } from '../../src/platform/jobs/queue.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ demo: true });
});
after(() => server.close());

describe('configuration', () => {
  test('lists every invalid value at once', () => {
    const result = loadConfig({
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://x',
      DATABASE_URL: 'mysql://db',
      LOG_LEVEL: 'loud',
      SMTP_URL: 'http://mail',
      DATA_DIR: '/tmp/ic-config-test',
    });
    assert.equal(result.ok, false);
    assert.equal(result.problems.length, 5, result.problems.join('\n'));
    for (const name of ['PORT', 'PUBLIC_URL', 'DATABASE_URL', 'LOG_LEVEL', 'SMTP_URL']) {
      assert.ok(
        result.problems.some((problem) => problem.startsWith(name)),
        `${name} is reported`,
      );
    }
  });

  test('accepts an inbound mail port and refuses a port that is not one', () => {
    const good = loadConfig({ INBOUND_SMTP_PORT: '2525', DATA_DIR: '/tmp/ic-config-test' });
    assert.equal(good.ok && good.config.inboundSmtpPort, 2525);
    const bad = loadConfig({ INBOUND_SMTP_PORT: '70000', DATA_DIR: '/tmp/ic-config-test' });
    assert.ok(!bad.ok && bad.problems.some((p) => p.startsWith('INBOUND_SMTP_PORT')));
  });

  test('takes a database pool size, 10 by default, and refuses one that is not a count', () => {
    const fallback = loadConfig({ DATA_DIR: '/tmp/ic-config-test' });
    assert.equal(fallback.ok && fallback.config.databasePoolSize, 10);
    const good = loadConfig({ DATABASE_POOL_SIZE: '4', DATA_DIR: '/tmp/ic-config-test' });
    assert.equal(good.ok && good.config.databasePoolSize, 4);
    for (const value of ['0', 'ten', '2.5']) {
      const bad = loadConfig({ DATABASE_POOL_SIZE: value, DATA_DIR: '/tmp/ic-config-test' });
      assert.ok(!bad.ok && bad.problems.some((p) => p.startsWith('DATABASE_POOL_SIZE')), value);
    }
  });

  test('logs readable lines at a terminal and JSON lines elsewhere, unless LOG_FORMAT says which', () => {
    const format = (env: Record<string, string>, stdoutIsTTY: boolean) => {
      const result = loadConfig({ DATA_DIR: '/tmp/ic-config-test', ...env }, { stdoutIsTTY });
      return result.ok ? result.config.logFormat : result.problems.join('; ');
    };
    assert.equal(format({}, true), 'pretty');
    assert.equal(format({}, false), 'json');
    assert.equal(format({ LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(format({ LOG_FORMAT: 'pretty' }, false), 'pretty');
    assert.match(format({ LOG_FORMAT: 'colour' }, true), /^LOG_FORMAT must be one of json, pretty/);
  });

  test('logs the path of a URL and only the names of its query parameters', () => {
    assert.equal(loggedUrl('/reports/12'), '/reports/12');
    assert.equal(loggedUrl('/account/confirm?token=abc123&next=%2F'), '/account/confirm?token=*&next=*');
    assert.equal(loggedUrl('/search?q=a&q=b&giulia%40valmora.example'), '/search?q=*&?');
    assert.ok(loggedUrl(`/${'x'.repeat(500)}`).length <= 200);
  });

  test('requires a secret key in production', () => {
    const result = loadConfig({ NODE_ENV: 'production', DATA_DIR: '/tmp/ic-config-test' });
    assert.equal(result.ok, false);
    assert.ok(result.problems.some((p) => p.startsWith('SECRET_KEY')));
  });
});

describe('health and errors', () => {
  test('reports health and readiness with the database kind', async () => {
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { status: string; database: string };
    assert.equal(ready.status, 'ready');
    assert.equal(ready.database, process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  test('answers an unknown API path with a JSON error and an unknown page with an HTML page', async () => {
    const api = await fetch(`${server.url}/api/v1/nothing-here`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(((await api.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const page = await fetch(`${server.url}/nothing-here`);
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  });

  test('rejects wrong query types with VALIDATION_FAILED', async () => {
    const response = await fetch(`${server.url}/api/v1/districts/lookup?lat=north&lng=9.8`);
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.match(body.error.message, /lat/);
  });

  test('every response carries a request id and security headers', async () => {
    const response = await fetch(`${server.url}/`, { headers: { 'x-request-id': 'trace-me-123' } });
    assert.equal(response.headers.get('x-request-id'), 'trace-me-123');
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const api = await fetch(`${server.url}/api/v1/districts/lookup?lat=north&lng=9.8`);
    assert.equal(api.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(api.headers.get('x-frame-options'), 'DENY');
  });
});

describe('the demo city', () => {
  test('shows its home page with districts and news in the reader’s language', async () => {
    const response = await fetch(`${server.url}/`, { headers: { 'accept-language': 'it-IT,it;q=0.9' } });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<html lang="it"/);
    assert.match(html, /Città Vecchia/);
    assert.match(html, /Bilancio partecipativo 2027/);
  });

  test('carries Open Graph and Twitter card tags and hreflang alternates', async () => {
    const html = await (await fetch(`${server.url}/news/harbour-promenade-works`)).text();
    assert.match(html, /<meta property="og:title" content="Harbour promenade/);
    assert.match(html, /<meta property="og:type" content="article">/);
    assert.match(html, /<meta name="twitter:card" content="summary">/);
    assert.match(
      html,
      /<link rel="alternate" hreflang="ro" href="http:\/\/localhost:3000\/news\/harbour-promenade-works\?lang=ro">/,
    );
  });

  test('chooses the language from the account, then ?lang, then Accept-Language', async () => {
    const anonymous = await fetch(`${server.url}/?lang=fr`, { headers: { 'accept-language': 'de' } });
    assert.match(await anonymous.text(), /<html lang="fr"/);
    const { client } = await signedInClient(server, { language: 'ro' });
    const page = await client.get('/?lang=fr', { 'accept-language': 'de' });
    assert.match(await page.text(), /<html lang="ro"/);
  });

  test('the language switch remembers the choice of a visitor', async () => {
    const client = new TestClient(server.url);
    const response = await client.submit('/', '/language', { lang: 'de', next: '/news' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/news');
    assert.match(await (await client.get('/')).text(), /<html lang="de"/);
  });

  test('serves another city on its own host name', async () => {
    await server.organisations.insert({
      slug: 'brugmont',
      name: { en: 'Brugmont' },
      hosts: ['brugmont.example'],
      languages: ['en', 'nl'],
      defaultLanguage: 'nl',
      map: { lat: 51.2, lng: 3.2 },
    });
    const html = await getWithHost(`${server.url}/`, 'brugmont.example');
    assert.match(html, /Brugmont/);
    assert.doesNotMatch(html, /Città Vecchia|Old Town/, 'another city’s districts are not shown');
  });
});

describe('error pages', () => {
  test('find the text of a platform error and of a module error in the catalogue', () => {
    assert.equal(errorMessageKey('CSRF_TOKEN_INVALID'), 'error.CSRF_TOKEN_INVALID');
    assert.equal(errorMessageKey('BALLOT_OUTSIDE_PHASE'), 'budgets.error.BALLOT_OUTSIDE_PHASE');
    assert.equal(errorMessageKey('NO_SUCH_CODE'), undefined);
  });
});

describe('error codes declared in the manifests', () => {
  test('every module code is registered from its manifest and listed on the API documentation page', async () => {
    assert.equal(errorDefinition('BALLOT_OUTSIDE_PHASE')?.status, 409);
    assert.equal(errorDefinition('REPORT_AREA_TOO_FEW_POINTS')?.status, 400);
    const docs = await (await fetch(`${server.url}/api/docs`)).text();
    assert.match(docs, /INBOX_CHANNEL_NOT_FOUND/);
    assert.match(docs, /INVALID_CREDENTIALS/);
  });

  test('a code declared by two modules stops the start, naming both', () => {
    const errors = { DUPLICATE_TEST_CODE: { status: 409, message: 'One.' } };
    const again = { DUPLICATE_TEST_CODE: { status: 409, message: 'Two.' } };
    assert.throws(
      () => buildRegistry([...MODULES, { name: 'first', errors: [errors] }, { name: 'second', errors: [again] }]),
      /DUPLICATE_TEST_CODE is declared twice: by module 'first' and by module 'second'/,
    );
    assert.throws(
      () => buildRegistry([...MODULES, { name: 'copycat', errors: [{ NOT_FOUND: { status: 404, message: 'x' } }] }]),
      /NOT_FOUND is declared twice: by the platform \(platform\/errors\.ts\) and by module 'copycat'/,
    );
    // The failed builds left the registry as it was; building the real list again is harmless.
    buildRegistry(MODULES);
    assert.equal(errorDefinition('DUPLICATE_TEST_CODE'), undefined);
    assert.equal(errorDefinition('BALLOT_OUTSIDE_PHASE')?.status, 409);
  });
});

describe('database', () => {
  test('every table carries the organisation it belongs to', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select t.table_name from information_schema.tables t
      where t.table_schema = current_schema() and t.table_type = 'BASE TABLE'
        -- installation-wide by nature: the cities themselves, the migrations, the installation's own facts (the
        -- SECRET_KEY check value), and the one version number of reports' intake configuration (a change in any
        -- city makes every city re-read its own, once)
        and t.table_name not in ('core_organisation', 'core_migration', 'core_migration_lock', 'core_installation', 'reports_intake_version')
        and not exists (select 1 from information_schema.columns c
                        where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'organisation_id')
      order by 1`.execute(server.ctx.db);
    assert.deepEqual(
      rows.map((row) => row.table_name),
      [],
    );
  });
});

describe('background maintenance', () => {
  test('removes expired sessions and schedules its next run an hour later', async () => {
    const { user } = await signedInClient(server);
    await server.ctx.db
      .updateTable('core_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', user.id)
      .execute();
    await server.ctx.jobs.scheduleRecurring();
    // every module's recurring jobs are due at once: run until none is left (runDue takes 20 at a time)
    while ((await server.ctx.jobs.runDue()) > 0);
    const sessions = await server.ctx.db
      .selectFrom('core_session')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(sessions.length, 0);
    const next = await server.ctx.db
      .selectFrom('core_job')
      .select('run_at')
      .where('kind', '=', 'platform.maintenance')
      .where('status', '=', 'queued')
      .execute();
    assert.equal(next.length, 1, 'one next run');
    assert.ok((next[0]?.run_at.getTime() ?? 0) > Date.now() + 50 * 60_000);
    // a run asked for in between does not start a second chain
    await server.ctx.jobs.enqueue('platform.maintenance', {}, { runAt: new Date() });
    await server.ctx.jobs.runDue();
    await server.ctx.jobs.scheduleRecurring();
    const waiting = await server.ctx.db
      .selectFrom('core_job')
      .select('id')
      .where('kind', '=', 'platform.maintenance')
      .where('status', '=', 'queued')
      .execute();
    assert.equal(waiting.length, 1);
  });

  test('servers starting at the same moment queue one first run of a recurring job between them', async () => {
    const log = pino({ level: 'silent' });
    const servers = Array.from({ length: 4 }, () => {
      const queue = new JobQueue(server.ctx.db, log);
      queue.register('test.recurring-race', async () => {}, { everyMs: 60_000 });
      return queue;
    });
    await Promise.all(servers.map((queue) => queue.scheduleRecurring()));
    const queued = await server.ctx.db
      .selectFrom('core_job')
      .select('id')
      .where('kind', '=', 'test.recurring-race')
      .where('status', '=', 'queued')
      .execute();
    assert.equal(queued.length, 1);
  });
});

describe('jobs', () => {
  test('a job waits in the queue, where another server can take it, while a slow one runs', async () => {
    await server.ctx.jobs.runDue(1000); // nothing else is due
    const log = pino({ level: 'silent' });
    const slow = Promise.withResolvers<undefined>();
    const started = Promise.withResolvers<undefined>();
    const ran: string[] = [];
    const worker = (name: string) => {
      const queue = new JobQueue(server.ctx.db, log);
      queue.register('test.slow', async () => {
        ran.push(`${name}: slow`);
        started.resolve(undefined);
        await slow.promise;
      });
      queue.register('test.quick', async () => {
        ran.push(`${name}: quick`);
      });
      return queue;
    };
    const [a, b] = [worker('a'), worker('b')];
    await a.enqueue('test.slow', {}, { runAt: new Date(Date.now() - 2000) });
    await a.enqueue('test.quick', {}, { runAt: new Date(Date.now() - 1000) });
    const first = a.runDue();
    await started.promise;
    assert.equal(await b.runDue(), 1, 'the other server takes the job waiting behind the slow one');
    slow.resolve(undefined);
    assert.equal(await first, 1);
    assert.deepEqual(ran, ['a: slow', 'b: quick']);
  });
});

describe('OpenAPI', () => {
  test('documents every API route under /api/v1 (and standard protocols at their own path) with a readable page', async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(document.openapi, /^3\./);
    const paths = Object.keys(document.paths);
    assert.ok(paths.includes('/api/v1/districts'));
    // Our own API lives under /api/v1; a published standard keeps the path its clients expect (Open311 GeoReport v2).
    for (const path of paths)
      assert.ok(path.startsWith('/api/v1/') || path.startsWith('/open311/v2/'), `${path} is under /api/v1`);
    assert.ok(paths.includes('/api/v1/admin/api-keys'));
    const docs = await fetch(`${server.url}/api/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /GET \/api\/v1\/districts/);
  });
});

/** fetch() may not set Host; a plain http request can, as a reverse proxy would. */
function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
    request.end();
  });
}
