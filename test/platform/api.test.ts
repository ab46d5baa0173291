import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { TestClient } from '../support/client.ts';
import { ResponseChecker, type OpenApiDocument } from '../support/openapi.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The API document under Redocly's recommended rules, and every documented GET (and representative
// writes and refusals) on the demo city checked against the document with ajv.

let server: TestServer;
let source: string;
let document: OpenApiDocument;
let checker: ResponseChecker;
const anonymous = () => new TestClient(server.url);
let admin: TestClient;
let resident: TestClient;
let adminCsrf: string;
let residentCsrf: string;

async function signIn(email: string): Promise<{ client: TestClient; csrf: string }> {
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email, password: 'demo-password-123' });
  assert.equal(response.status, 303, `sign-in of ${email}`);
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { client, csrf: me.csrfToken };
}

before(async () => {
  // the city's public address as in production (Redocly warns about a server on localhost)
  server = await startTestServer({ demo: true, env: { PUBLIC_URL: 'https://city.valmora.eu' } });
  source = await (await fetch(`${server.url}/api/openapi.json`)).text();
  document = JSON.parse(source) as OpenApiDocument;
  checker = new ResponseChecker(document);
  ({ client: admin, csrf: adminCsrf } = await signIn('admin@valmora.example'));
  ({ client: resident, csrf: residentCsrf } = await signIn('giulia@valmora.example'));
});
after(() => server.close());

/** Every operation as [method, path template, operation]. */
function operations() {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

describe('the API document', () => {
  test('passes Redocly’s recommended rules with no error and no warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source, config });
    const lines = problems.map(
      (problem) => `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer ?? ''}: ${problem.message}`,
    );
    assert.deepEqual(lines, []);
  });

  test('names, secures, tags and describes every operation, with a schema for every answer with a body', () => {
    assert.ok(operations().length > 30);
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const { method, path, operation } of operations()) {
      const at = `${method} ${path}`;
      if (!operation.operationId || ids.has(operation.operationId)) problems.push(`${at}: operationId`);
      ids.add(operation.operationId ?? '');
      if (!operation.security) problems.push(`${at}: security`);
      if (!operation.summary) problems.push(`${at}: summary`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '204' || status === '304') continue;
        const schemas = Object.values(response.content ?? {}).filter((media) => media.schema);
        if (schemas.length === 0) problems.push(`${at}: ${status} has no schema`);
      }
      if (method === 'GET' && !operation.responses['304']) problems.push(`${at}: 304 (ETag) not documented`);
    }
    assert.deepEqual(problems, []);
    const tagged = new Set(operations().flatMap(({ operation }) => operation.tags ?? []));
    const described = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const tag of tagged) assert.ok(described.get(tag), `tag ${tag} has a description`);
    assert.equal((document.info.license as { identifier?: string }).identifier, 'AGPL-3.0-or-later');
    assert.equal(document.servers?.[0]?.url, new URL(server.config.publicUrl).origin);
  });
});

/** Ids of the demo city's things, for the path parameters of the operations. */
async function demoIds() {
  const budgets = (await (await anonymous().get('/api/v1/budgets')).json()) as Array<{
    id: number;
    resultsPublished: boolean;
  }>;
  const budget = budgets.find((b) => b.resultsPublished) ?? budgets[0];
  assert.ok(budget, 'the demo city has a budget');
  const detail = (await (await anonymous().get(`/api/v1/budgets/${budget.id}`)).json()) as {
    headings: Array<{ id: number }>;
    projects: Array<{ id: number }>;
  };
  const proposals = (await (await anonymous().get('/api/v1/proposals?sort=newest')).json()) as {
    proposals: Array<{ id: number }>;
  };
  const reports = (await (await anonymous().get('/api/v1/reports')).json()) as { reports: Array<{ id: number }> };
  const posts = (await (await anonymous().get('/api/v1/posts?fields=id')).json()) as { posts: Array<{ id: number }> };
  // surveys have no list in the API: the demo's survey whose results are public
  const survey = await server.ctx.db
    .selectFrom('surveys_survey')
    .select('id')
    .where('results_public', '=', true)
    .orderBy('id')
    .executeTakeFirst();
  const maps = (await (await anonymous().get('/api/v1/opinion-maps')).json()) as Array<{ id: number }>;
  return {
    opinionMapId: maps[0]?.id ?? 1,
    surveyId: survey?.id ?? 1,
    postId: posts.posts[0]?.id ?? 1,
    budgetId: budget.id,
    headingId: detail.headings[0]?.id ?? 1,
    projectId: detail.projects[0]?.id ?? 1,
    proposalId: proposals.proposals[0]?.id ?? 1,
    reportId: reports.reports[0]?.id ?? 1,
  };
}

/** Query strings an operation needs to answer at all. */
const REQUIRED_QUERY: Record<string, string> = {
  '/api/v1/districts/lookup': '?lat=45.07&lng=7.68',
  '/api/v1/places/geocode': '?q=via+del+porto+12',
  '/api/v1/places/reverse': '?lat=44.1071&lon=9.825',
  '/api/v1/reports/clusters': '?bbox=-180,-85,180,85&zoom=3',
};

describe('real answers match the document', () => {
  test('every documented GET operation, on the demo city', async () => {
    const ids = await demoIds();
    const problems: string[] = [];
    const gets = operations().filter(({ method }) => method === 'GET');
    for (const { path, operation } of gets) {
      const concrete = path
        .replace('{budgetId}', String(ids.budgetId))
        .replace('{headingId}', String(ids.headingId))
        .replace('{projectId}', String(ids.projectId))
        .replace(/^\/api\/v1\/proposals\/\{id\}/, `/api/v1/proposals/${ids.proposalId}`)
        .replace(/^\/api\/v1\/datasets\/\{id\}/, '/api/v1/datasets/reports')
        .replace(/^\/api\/v1\/posts\/\{id\}/, `/api/v1/posts/${ids.postId}`)
        .replace('{surveyId}', String(ids.surveyId))
        .replace(/^\/api\/v1\/opinion-maps\/\{id\}/, `/api/v1/opinion-maps/${ids.opinionMapId}`);
      if (concrete.includes('{')) {
        problems.push(`GET ${path}: no example for its parameters in this test`);
        continue;
      }
      const open = operation.security?.some((requirement) => Object.keys(requirement).length === 0);
      const client = open ? anonymous() : admin;
      const response = await client.get(concrete + (REQUIRED_QUERY[path] ?? ''));
      if (response.status >= 300) problems.push(`GET ${concrete}: answered ${response.status}`);
      const problem = await checker.problem('GET', path, response);
      if (problem) problems.push(problem);
    }
    assert.deepEqual(problems, []);
    assert.ok(gets.length >= 25);
  });

  test('representative writes and refusals', async () => {
    const ids = await demoIds();
    const json = (csrf: string) => ({ 'content-type': 'application/json', 'x-csrf-token': csrf });
    const cases: Array<{ method: string; path: string; send: () => Promise<Response>; status: number }> = [];
    const add = (method: string, path: string, status: number, send: () => Promise<Response>) =>
      cases.push({ method, path, status, send });

    add('GET', '/api/v1/me', 401, () => anonymous().get('/api/v1/me'));
    add('GET', '/api/v1/districts', 401, () =>
      anonymous().get('/api/v1/districts', { authorization: 'Bearer ic_000000000000_nope' }),
    );
    add('GET', '/api/v1/staff/reports', 403, () => resident.get('/api/v1/staff/reports'));
    add('GET', '/api/v1/budgets/{budgetId}', 404, () => anonymous().get('/api/v1/budgets/999999'));
    add('GET', '/api/v1/proposals', 400, () => anonymous().get('/api/v1/proposals?limit=0'));
    add('GET', '/api/v1/districts/lookup', 400, () => anonymous().get('/api/v1/districts/lookup?lat=100&lng=0'));
    add('PUT', '/api/v1/me/birth-year', 200, () =>
      resident.request('PUT', '/api/v1/me/birth-year', {
        body: JSON.stringify({ birthYear: 1990 }),
        headers: json(residentCsrf),
      }),
    );
    add('PUT', '/api/v1/me/birth-year', 403, () =>
      resident.request('PUT', '/api/v1/me/birth-year', {
        body: JSON.stringify({ birthYear: 1990 }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    add('PUT', '/api/v1/proposals/{id}/support', 409, () =>
      resident.request('PUT', `/api/v1/proposals/${ids.proposalId}/support`, {
        headers: { 'x-csrf-token': residentCsrf },
      }),
    );
    add('PUT', '/api/v1/budgets/{budgetId}/headings/{headingId}/ballot', 400, () =>
      resident.request('PUT', `/api/v1/budgets/${ids.budgetId}/headings/${ids.headingId}/ballot`, {
        body: JSON.stringify({ projects: 'all' }),
        headers: json(residentCsrf),
      }),
    );
    add('POST', '/api/v1/budgets/{budgetId}/projects', 400, () =>
      resident.request('POST', `/api/v1/budgets/${ids.budgetId}/projects`, {
        body: JSON.stringify({ headingId: ids.headingId, title: '', description: 'x', cost: 1 }),
        headers: json(residentCsrf),
      }),
    );
    add('POST', '/api/v1/admin/departments', 400, () =>
      admin.request('POST', '/api/v1/admin/departments', {
        body: JSON.stringify({ slug: 'x', name: { en: '' } }),
        headers: json(adminCsrf),
      }),
    );
    add('POST', '/api/v1/staff/reports/{id}/status', 200, () =>
      admin.request('POST', `/api/v1/staff/reports/${ids.reportId}/status`, {
        body: JSON.stringify({ status: 'in_progress', publicText: 'We are on it.' }),
        headers: json(adminCsrf),
      }),
    );
    add('POST', '/api/v1/inbox/webhook/{channelId}', 404, () =>
      anonymous().request('POST', '/api/v1/inbox/webhook/999999', {
        body: '{}',
        headers: { 'content-type': 'application/json', 'x-signature-256': 'sha256=00' },
      }),
    );
    add('GET', '/api/v1/datasets/{id}/records', 404, () => anonymous().get('/api/v1/datasets/nothing/records'));
    add('GET', '/api/v1/posts/{id}', 404, () => anonymous().get('/api/v1/posts/999999'));
    add('GET', '/api/v1/posts', 400, () => anonymous().get('/api/v1/posts?fields=id,author'));
    add('POST', '/api/v1/posts', 201, () =>
      admin.request('POST', '/api/v1/posts', {
        body: JSON.stringify({ texts: { en: { title: 'Conformance', body: 'A draft written over the API.' } } }),
        headers: json(adminCsrf),
      }),
    );
    add('POST', '/api/v1/posts', 400, () =>
      admin.request('POST', '/api/v1/posts', {
        body: JSON.stringify({ texts: { en: { body: ' ' } } }),
        headers: json(adminCsrf),
      }),
    );
    add('GET', '/api/v1/datasets/{id}/records', 400, () =>
      anonymous().get('/api/v1/datasets/reports/records?fields=id,no_such_field'),
    );
    add('GET', '/api/v1/datasets/{id}/records', 400, () =>
      anonymous().get('/api/v1/datasets/reports/records?cursor=bm90LWEtY3Vyc29y'),
    );

    const problems: string[] = [];
    for (const item of cases) {
      const response = await item.send();
      if (response.status !== item.status)
        problems.push(
          `${item.method} ${item.path}: ${response.status}, expected ${item.status} (${(await response.clone().text()).slice(0, 200)})`,
        );
      const problem = await checker.problem(item.method, item.path, response);
      if (problem) problems.push(problem);
    }

    // a support given: the first proposal whose process takes supports now
    const open = (await (await anonymous().get('/api/v1/proposals?status=published&limit=100')).json()) as {
      proposals: Array<{ id: number }>;
    };
    let supported = false;
    for (const proposal of open.proposals) {
      const response = await resident.request('PUT', `/api/v1/proposals/${proposal.id}/support`, {
        headers: { 'x-csrf-token': residentCsrf },
      });
      const problem = await checker.problem('PUT', '/api/v1/proposals/{id}/support', response);
      if (problem) problems.push(problem);
      if (response.status === 200) {
        supported = true;
        break;
      }
    }
    assert.ok(supported, 'a demo proposal takes supports');

    // an API key's life: created, quota changed, revoked; each answer as documented
    const created = await admin.request('POST', '/api/v1/admin/api-keys', {
      body: JSON.stringify({ name: 'Conformance', scopes: ['reports.read'] }),
      headers: json(adminCsrf),
    });
    const key = (await created.clone().json()) as { id: number };
    for (const [method, path, response] of [
      ['POST', '/api/v1/admin/api-keys', created],
      [
        'PUT',
        '/api/v1/admin/api-keys/{id}/quota',
        await admin.request('PUT', `/api/v1/admin/api-keys/${key.id}/quota`, {
          body: JSON.stringify({ perHour: 10, perDay: null }),
          headers: json(adminCsrf),
        }),
      ],
      [
        'DELETE',
        '/api/v1/admin/api-keys/{id}',
        await admin.request('DELETE', `/api/v1/admin/api-keys/${key.id}`, { headers: { 'x-csrf-token': adminCsrf } }),
      ],
    ] as const) {
      const problem = await checker.problem(method, path, response);
      if (problem) problems.push(problem);
    }
    assert.deepEqual(problems, []);
  });
});

describe('conditional requests', () => {
  test('GET answers of the API carry an ETag, and If-None-Match with it answers 304 without a body', async () => {
    const first = await anonymous().get('/api/v1/processes');
    assert.equal(first.status, 200);
    const tag = first.headers.get('etag');
    assert.match(tag ?? '', /^"[A-Za-z0-9_-]+"$/);
    const again = await anonymous().get('/api/v1/processes', { 'if-none-match': tag ?? '' });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(await checker.problem('GET', '/api/v1/processes', again), undefined);
    const weak = await anonymous().get('/api/v1/processes', { 'if-none-match': `"other", W/${tag ?? ''}` });
    assert.equal(weak.status, 304);
    const stale = await anonymous().get('/api/v1/processes', { 'if-none-match': '"stale"' });
    assert.equal(stale.status, 200);
    // another language is another representation, with another tag
    const italian = await anonymous().get('/api/v1/datasets?lang=it');
    const english = await anonymous().get('/api/v1/datasets?lang=en');
    assert.notEqual(italian.headers.get('etag'), english.headers.get('etag'));
    // answers that must not be stored (a voter's ballot) carry no tag
    const ids = await demoIds();
    const ballot = await resident.get(`/api/v1/budgets/${ids.budgetId}/headings/${ids.headingId}/ballot`);
    assert.equal(ballot.status, 200);
    assert.match(ballot.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(ballot.headers.get('etag'), null);
  });
});

describe('API keys and their quotas', () => {
  test('a key over its hourly quota is refused with 429, Retry-After and RateLimit headers, until an administrator raises it', async () => {
    const json = { 'content-type': 'application/json', 'x-csrf-token': adminCsrf };
    const created = await admin.request('POST', '/api/v1/admin/api-keys', {
      body: JSON.stringify({ name: 'Quota test', scopes: ['reports.read'], quota: { perHour: 3, perDay: 100 } }),
      headers: json,
    });
    assert.equal(created.status, 201);
    const key = (await created.json()) as { id: number; key: string; quota: { perHour: number; perDay: number } };
    assert.deepEqual(key.quota, { perHour: 3, perDay: 100 });
    const withKey = { authorization: `Bearer ${key.key}` };

    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await anonymous().get('/api/v1/staff/reports', withKey);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('ratelimit-policy'), '"hour";q=3;w=3600, "day";q=100;w=86400');
      remaining.push(/"hour";r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1] ?? '?');
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const refused = await anonymous().get('/api/v1/staff/reports', withKey);
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assert.match(refused.headers.get('ratelimit') ?? '', /"hour";r=0;t=\d+/);
    const body = (await refused.clone().json()) as { error: { code: string } };
    assert.equal(body.error.code, 'API_QUOTA_EXCEEDED');
    assert.equal(await checker.problem('GET', '/api/v1/staff/reports', refused), undefined);
    // public reads count too
    assert.equal((await anonymous().get('/api/v1/districts', withKey)).status, 429);
    // without the key, the public API is open as before
    assert.equal((await anonymous().get('/api/v1/districts')).status, 200);

    const raised = await admin.request('PUT', `/api/v1/admin/api-keys/${key.id}/quota`, {
      body: JSON.stringify({ perHour: null, perDay: 100 }),
      headers: json,
    });
    assert.equal(raised.status, 200);
    const listed = (await (await admin.get('/api/v1/admin/api-keys')).json()) as Array<{
      id: number;
      quota: { perHour: number | null; perDay: number | null };
    }>;
    assert.deepEqual(listed.find((k) => k.id === key.id)?.quota, { perHour: null, perDay: 100 });
    // the new quota counts from the next request
    const after = await anonymous().get('/api/v1/staff/reports', withKey);
    assert.equal(after.status, 200);
    assert.equal(after.headers.get('ratelimit-policy'), '"day";q=100;w=86400');

    // only administrators set quotas
    const refusedToResident = await resident.request('PUT', `/api/v1/admin/api-keys/${key.id}/quota`, {
      body: JSON.stringify({ perHour: 5, perDay: 5 }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': residentCsrf },
    });
    assert.equal(refusedToResident.status, 403);
    const audit = (await (await admin.get('/api/v1/admin/audit?action=api-key.quota')).json()) as {
      entries: Array<{ subject: { id: string | null }; after: unknown }>;
    };
    assert.deepEqual(audit.entries[0]?.after, { perHour: null, perDay: 100 });
  });
});
