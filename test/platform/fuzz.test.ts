import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { crawl, type CrawledForm, type RoutePattern, type SiteMap } from '../support/fuzz-crawl.ts';
import {
  BAD_VALUES,
  exampleOf,
  fieldPaths,
  jsonWith,
  multipart,
  urlencoded,
  type JsonSchema,
} from '../support/fuzz-values.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * No input makes a server error. Every registered route (read from the app, so a route added later is
 * covered without a new test) gets bad values of each class in `fuzz-values.ts`: in its path parameters,
 * in its query (the names its links, search forms and API document use, and all names seen anywhere at
 * once), in each field of every form the pages show (as the role that sees it, with its CSRF token), in
 * each field of the JSON body of each API operation (from the OpenAPI document), in signed webhook
 * deliveries, and as a multipart body cut off early. Any 5xx, or an answer cut off after its headers, fails
 * the test with the list of requests; so does an error under /api/ that is not `{ error: { code, message } }`.
 *
 * FUZZ_SECONDS (default 60) bounds the sending; values are tried class by class, most telling first, so a
 * shorter run leaves out the last classes rather than the last routes. FUZZ_ONLY (a regular expression on
 * `METHOD /path?query`) keeps only the matching requests, to look at one route.
 */

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const CONCURRENCY = 4;
const SECRET = 'fuzz-secret-0123456789abcdef';

interface Role {
  name: 'anonymous' | 'resident' | 'admin';
  client: TestClient;
  csrf: string;
}

interface Case {
  role: Role['name'];
  method: string;
  path: string;
  /** Where the bad value went, for the failure list. */
  label: string;
  klass: number;
  body?: Buffer | string;
  type?: string;
  headers?: Record<string, string>;
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

let server: TestServer;
const roles = new Map<Role['name'], Role>();
let site: SiteMap;
let operations: Array<{ method: string; path: string; operation: OpenApiOperation }>;
let languages: readonly string[];
const channels: Record<'webhook' | 'facebook' | 'telegram', number> = { webhook: 0, facebook: 0, telegram: 0 };

function role(name: Role['name']): Role {
  const found = roles.get(name);
  if (!found) throw new Error(`no ${name} client`);
  return found;
}

/** Pages for signing in or up are tried without a session; administration as an administrator; the rest as a resident. */
function roleFor(url: string): Role['name'] {
  if (/^\/(?:api\/v1\/)?(?:admin|staff)(?:\/|\.|$)/.test(url)) return 'admin';
  if (/^\/(?:sign-in|sign-up|password-reset|confirm|sign-out|account\/delete)(?:\/|$)/.test(url)) return 'anonymous';
  return 'resident';
}

async function signedIn(role: 'resident' | 'admin'): Promise<Role> {
  const { client } = await signedInClient(server, { role });
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { name: role, client, csrf: me.csrfToken };
}

before(async () => {
  server = await startTestServer({
    demo: true,
    adjust: (config) => {
      for (const limit of Object.values(config.rateLimits)) limit.limit = 1_000_000;
    },
  });
  const anonymous = new TestClient(server.url);
  roles.set('anonymous', { name: 'anonymous', client: anonymous, csrf: (await anonymous.page('/sign-in')).csrf });
  roles.set('resident', await signedIn('resident'));
  roles.set('admin', await signedIn('admin'));
  const organisationId = await firstOrganisationId(server);
  languages = (await server.organisations.findAll())[0]?.languages ?? ['en'];
  const channel = (kind: keyof typeof channels, secrets: Record<string, string>) =>
    insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind,
      name: `fuzz ${kind}`,
      settings: {},
      secrets,
    });
  channels.webhook = await channel('webhook', { secret: SECRET });
  channels.facebook = await channel('facebook', { appSecret: SECRET, verifyToken: SECRET, pageAccessToken: 'x' });
  channels.telegram = await channel('telegram', { token: '1:x', webhookSecret: SECRET });
});
after(() => server.close());

/** A path with the route's parameters filled from a page's link (or 1), one of them replaced when asked. */
function fill(route: RoutePattern, replace?: { param: string; value: string }): string {
  const sample = site.samples.get(route.url)?.[0] ?? {};
  let index = 0;
  return route.url.replace(/:[A-Za-z_]\w*|\*/g, () => {
    const name = route.params[index++] ?? '';
    if (replace?.param === name) return replace.value;
    return sample[name] ?? (name === 'channelId' ? String(channels.webhook) : '1');
  });
}

function formBody(form: CrawledForm, role: Role, replace?: { field: string; klass: number }) {
  const fields = form.fields.filter((field) => field.sent || field.name === replace?.field);
  const bad = replace ? BAD_VALUES[replace.klass] : undefined;
  if (form.multipart) {
    return multipart(
      fields.map((field) => [
        field.name,
        field.name === '_csrf'
          ? Buffer.from(role.csrf)
          : field.name === replace?.field && bad
            ? bad.bytes
            : Buffer.from(field.value),
      ]),
    );
  }
  return {
    body: urlencoded(
      fields.map((field) => [
        field.name,
        field.name === '_csrf'
          ? role.csrf
          : field.name === replace?.field && bad
            ? bad.url
            : encodeURIComponent(field.value),
      ]),
    ),
    type: 'application/x-www-form-urlencoded',
  };
}

/** The forms to fill in: for each route, those the role that uses it sees (any role's when it sees none). */
function chosenForms(): CrawledForm[] {
  return site.forms.filter(
    (form) =>
      form.role === roleFor(form.pattern.url) ||
      !site.forms.some((other) => other.pattern.url === form.pattern.url && other.role === roleFor(form.pattern.url)),
  );
}

function apiOperation(route: RoutePattern) {
  const path = route.url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
  return operations.find((op) => op.path === path && op.method === route.method)?.operation;
}

function jsonExample(operation: OpenApiOperation | undefined): unknown {
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  return schema ? exampleOf(schema) : undefined;
}

/** A valid background body for a route, when the bad value is elsewhere (path, query). */
function backgroundBody(route: RoutePattern, role: Role): Pick<Case, 'body' | 'type'> {
  if (route.method === 'GET' || route.method === 'DELETE') return {};
  const example = jsonExample(apiOperation(route));
  if (example !== undefined) return { body: JSON.stringify(example), type: 'application/json' };
  const form = chosenForms().find((candidate) => candidate.pattern.url === route.url);
  if (form) return formBody(form, role);
  return { body: `_csrf=${role.csrf}`, type: 'application/x-www-form-urlencoded' };
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  const allQueryNames = new Set<string>();
  for (const names of site.queryNames.values()) for (const name of names) allQueryNames.add(name);
  for (const { operation } of operations)
    for (const parameter of operation.parameters ?? []) if (parameter.in === 'query') allQueryNames.add(parameter.name);
  allQueryNames.delete('lang');

  for (const route of site.routes) {
    const role = roles.get(roleFor(route.url)) as Role;
    BAD_VALUES.forEach((bad, klass) => {
      if (bad.jsonOnly) return;
      for (const param of route.params) {
        cases.push({
          role: role.name,
          method: route.method,
          path: fill(route, { param, value: bad.url }),
          label: `path ${param}=${bad.name}`,
          klass,
          ...backgroundBody(route, role),
        });
      }
      if (route.method !== 'GET') return;
      // a download of a list (`/staff/reports.csv`) takes the list's query names (`/staff/reports`)
      const names = new Set([
        ...(site.queryNames.get(route.url) ?? []),
        ...(site.queryNames.get(route.url.replace(/\.\w+$/, '')) ?? []),
      ]);
      for (const parameter of apiOperation(route)?.parameters ?? [])
        if (parameter.in === 'query') names.add(parameter.name);
      const path = fill(route);
      for (const name of names)
        cases.push({
          role: role.name,
          method: 'GET',
          path: `${path}?${urlencoded([[name, bad.url]])}`,
          label: `query ${name}=${bad.name}`,
          klass,
        });
      cases.push({
        role: role.name,
        method: 'GET',
        path: `${path}?${urlencoded([...allQueryNames].map((name) => [name, bad.url]))}`,
        label: `every query name=${bad.name}`,
        klass,
      });
    });
    if (route.method === 'POST') {
      const cut = multipart([
        ['_csrf', Buffer.from(role.csrf)],
        ['description', Buffer.from('a'.repeat(2000))],
      ]);
      cases.push({
        role: role.name,
        method: 'POST',
        path: fill(route),
        label: 'multipart cut off',
        klass: 0,
        body: cut.body.subarray(0, 120),
        type: cut.type,
      });
    }
  }

  // A text written in each of the city's languages is tried in the first one only.
  const otherLanguage = new RegExp(`[_-](?:${languages.slice(1).join('|') || '(?!)'})$`);
  for (const form of chosenForms()) {
    const role = roles.get(form.role as Role['name']) as Role;
    BAD_VALUES.forEach((bad, klass) => {
      if (bad.jsonOnly) return;
      for (const field of form.fields) {
        if (field.name === '_csrf' || otherLanguage.test(field.name)) continue;
        cases.push({
          role: role.name,
          method: form.method,
          path: form.action,
          label: `${form.multipart ? 'multipart' : 'form'} field ${field.name}=${bad.name}`,
          klass,
          ...formBody(form, role, { field: field.name, klass }),
        });
      }
    });
  }

  for (const { method, path, operation } of operations) {
    const example = jsonExample(operation);
    // the webhook's deliveries are signed: webhookCases sends them
    if (example === undefined || path.startsWith('/api/v1/inbox/webhook/')) continue;
    const route = site.routes.find(
      (candidate) => candidate.method === method && candidate.url === path.replace(/\{(\w+)\}/g, ':$1'),
    );
    if (!route) continue;
    const role = roles.get(roleFor(route.url)) as Role;
    BAD_VALUES.forEach((bad, klass) => {
      for (const field of [[], ...fieldPaths(example)]) {
        cases.push({
          role: role.name,
          method,
          path: fill(route),
          label: `json ${field.join('.') || '(body)'}=${bad.name}`,
          klass,
          body: field.length ? jsonWith(example, field, bad.json) : bad.json,
          type: 'application/json',
        });
      }
    });
  }
  // values read from headers: cookies (percent-decoded by the cookie parser) and the language asked for
  BAD_VALUES.forEach((bad, klass) => {
    if (bad.jsonOnly) return;
    for (const path of ['/', '/api/v1/me', '/reports', '/sign-in'])
      for (const [header, value] of [
        ['cookie', `ic_session=${bad.url}`],
        ['cookie', `ic_anon=${bad.url}; ic_lang=${bad.url}`],
        ['accept-language', bad.url],
      ] as const)
        cases.push({
          role: 'anonymous',
          method: 'GET',
          path,
          label: `${header} ${value}`,
          klass,
          headers: { [header]: value },
        });
  });
  cases.push(...webhookCases());
  const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
  return cases.filter((item) => !only || only.test(`${item.method} ${item.path}`)).sort((a, b) => a.klass - b.klass);
}

/** Correctly signed deliveries to the inbox's webhooks, with a bad value in one field. */
function webhookCases(): Case[] {
  const now = Math.floor(Date.now() / 1000);
  const deliveries = [
    {
      path: `/api/v1/inbox/webhook/${channels.webhook}`,
      base: {
        id: 'fuzz',
        text: 'Hello',
        author: { id: 'a1', name: 'A', email: 'a@example.org' },
        sent_at: new Date().toISOString(),
        thread_id: 't',
        subject: 's',
        lat: 45,
        lng: 9,
      },
    },
    {
      path: `/inbox/meta/${channels.facebook}`,
      base: {
        object: 'page',
        entry: [
          {
            id: 'page',
            time: now,
            messaging: [{ sender: { id: 's1' }, timestamp: now * 1000, message: { mid: 'm1', text: 'Hello' } }],
            changes: [
              {
                field: 'feed',
                value: {
                  item: 'comment',
                  verb: 'add',
                  comment_id: 'c1',
                  post_id: 'p1',
                  message: 'Hi',
                  created_time: now,
                  from: { id: 'f1', name: 'F' },
                },
              },
            ],
          },
        ],
      },
    },
    {
      path: `/inbox/telegram/${channels.telegram}`,
      base: {
        update_id: 1,
        message: {
          message_id: 1,
          date: now,
          chat: { id: 42, type: 'private' },
          from: { id: 42, first_name: 'A' },
          text: 'Hello',
        },
      },
    },
  ];
  const cases: Case[] = [];
  BAD_VALUES.forEach((bad, klass) => {
    for (const { path, base } of deliveries)
      for (const field of fieldPaths(base))
        cases.push({
          role: 'anonymous',
          method: 'POST',
          path,
          label: `signed json ${field.join('.')}=${bad.name}`,
          klass,
          body: jsonWith(base, field, bad.json),
          type: 'application/json',
        });
  });
  return cases;
}

/** Signs a delivery to one of the inbox's webhooks as its sender would. */
function signature(path: string, body: Buffer | string): Record<string, string> {
  const hmac = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  if (path.startsWith('/api/v1/inbox/webhook/')) return { 'x-signature-256': hmac };
  if (path.startsWith('/inbox/meta/')) return { 'x-hub-signature-256': hmac };
  if (path.startsWith('/inbox/telegram/')) return { 'x-telegram-bot-api-secret-token': SECRET };
  return {};
}

/** What went wrong with one request, or undefined when the answer was a proper one. */
async function send(item: Case): Promise<string | undefined> {
  const role = roles.get(item.role) as Role;
  const cookie = [...role.client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const headers: Record<string, string> = {
    ...(cookie ? { cookie } : {}),
    ...(item.type ? { 'content-type': item.type } : {}),
    ...(item.role !== 'anonymous' && item.path.startsWith('/api/') ? { 'x-csrf-token': role.csrf } : {}),
    ...(item.body !== undefined ? signature(item.path, item.body) : {}),
    ...item.headers,
  };
  let status = 0;
  try {
    const response = await fetch(server.url + item.path, {
      method: item.method,
      redirect: 'manual',
      headers,
      ...(item.body !== undefined
        ? { body: typeof item.body === 'string' ? item.body : new Uint8Array(item.body) }
        : {}),
    });
    status = response.status;
    const text = await response.text();
    if (status >= 500) return `${status}`;
    if (status >= 400 && item.path.startsWith('/api/v1/')) {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string')
        return `${status} without { error: { code, message } }`;
    }
    return undefined;
  } catch (error) {
    return `${status || 'no answer'}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
  }
}

test('no bad input gets a server error, on any route', { timeout: (SECONDS + 240) * 1000 }, async (t) => {
  const started = Date.now();
  const document = (await (await role('admin').client.get('/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
  site = await crawl(
    server.app.registeredRoutes,
    [
      {
        name: 'anonymous',
        client: role('anonymous').client,
        seeds: ['/sign-in', '/sign-up', '/password-reset', '/contact'],
      },
      {
        name: 'resident',
        client: role('resident').client,
        seeds: ['/', '/account', '/reports/new', '/budgets', '/processes'],
      },
      {
        name: 'admin',
        client: role('admin').client,
        seeds: ['/admin', '/staff/reports', '/staff/inbox', '/admin/budgets', '/admin/participation'],
      },
    ],
    { perRoute: 2, deadline: started + SECONDS * 250, baseUrl: server.url },
  );
  const cases = buildCases();
  const crawled = Date.now();
  const deadline = crawled + SECONDS * 1000;
  const failures: string[] = [];
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < cases.length && Date.now() < deadline) {
      const item = cases[next++] as Case;
      const problem = await send(item);
      sent++;
      if (problem) failures.push(`${item.role} ${item.method} ${item.path.slice(0, 160)} [${item.label}] → ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const name of ['resident', 'admin'] as const) {
    const still = await role(name).client.get('/api/v1/me');
    if (still.status !== 200) t.diagnostic(`the ${name} session ended during the run`);
  }
  t.diagnostic(
    `${site.routes.length} routes, ${site.pages} pages read, ${chosenForms().length} forms, ${operations.length} API operations; ` +
      `${sent} of ${cases.length} requests sent in ${Math.round((Date.now() - crawled) / 1000)} s (walk ${Math.round((crawled - started) / 1000)} s)`,
  );
  if (failures.length > 0) assert.fail(`${failures.length} requests went wrong:\n${failures.join('\n')}`);
});
