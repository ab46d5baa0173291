/**
 * `npm run bench:scale-out [-- --seconds=N] [--concurrency=N] [--servers=3]` (issue 17, "Scale-out measured").
 *
 * Starts up to three server processes (src/server.ts, as in production) on one new PostgreSQL database
 * (`bench_scale_<random>` on DATABASE_URL or the local server, dropped at the end) behind Debian's nginx with
 * deploy/nginx's proxy settings, then:
 *   1. checks that the processes behave as one: a session opened on one is signed in on the others, a CSRF
 *      token from one is accepted by another, the sign-up limit per address holds across them, and every
 *      recurring job has one chain (one queued run) in the database, and ran once per period, not once per process;
 *   2. measures requests/s through nginx with 1, 2 and 3 processes for a public page (the home page) and a
 *      write (a signed-in resident's language choice, one UPDATE each).
 * It prints figures; it does not pass or fail. The processes share the machine with the load generator and
 * PostgreSQL: on a small machine the database and the cores saturate before the processes do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../test/support/process.ts';
import { TestClient } from '../test/support/client.ts';
import { startNginx } from '../test/support/nginx.ts';
import { formatMs, formatNumber, printTable, progress } from './lib.ts';
import { runLoad, type LoadResult } from './load.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = new Map(
  process.argv
    .slice(2)
    .filter((arg) => arg.startsWith('--'))
    .map((arg) => [arg.slice(2).split('=')[0] ?? '', arg.split('=')[1] ?? '']),
);
const seconds = Number(args.get('seconds') || 8);
const concurrency = Number(args.get('concurrency') || 16);
const maxServers = Number(args.get('servers') || 3);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DEMO_PASSWORD = 'bench-demo-password';

interface Server {
  child: ChildProcess;
  url: string;
  port: number;
}

async function startServer(databaseUrl: string, secretKey: string, folder: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '5',
      SECRET_KEY: secretKey,
      DEMO_PASSWORD,
      DATA_DIR: folder,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 300_000; Date.now() < until;) {
    if (child.exitCode !== null) throw new Error(`server on ${port} exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return { child, url, port };
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`server on ${port} did not become ready`);
}

async function signedIn(url: string): Promise<TestClient> {
  const client = new TestClient(url);
  const response = await client.submit('/sign-in', '/sign-in', {
    email: 'admin@valmora.example',
    password: DEMO_PASSWORD,
  });
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
  return client;
}

/** Sessions, CSRF, a rate limit and the job queue, across the processes. */
async function checkConsistency(servers: Server[], database: pg.Client, runSeconds: number): Promise<string[]> {
  const lines: string[] = [];
  const [first, second, third] = servers as [Server, Server, Server];
  const client = await signedIn(first.url);
  // the same cookies against another process
  const elsewhere = new TestClient(second.url);
  client.cookies.forEach((value, key) => elsewhere.cookies.set(key, value));
  const account = await elsewhere.page('/account');
  lines.push(`session from process 1 on process 2: ${account.response.status === 200 ? 'signed in' : 'NOT signed in'}`);
  const onThird = new TestClient(third.url);
  client.cookies.forEach((value, key) => onThird.cookies.set(key, value));
  const language = await onThird.postForm('/language', { _csrf: account.csrf, lang: 'de', next: '/' });
  lines.push(
    `CSRF token of process 2 posted to process 3: ${language.status === 303 ? 'accepted' : `refused (${language.status})`}`,
  );

  const statuses: number[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    const visitor = new TestClient(servers[attempt % servers.length]?.url ?? first.url);
    visitor.headers['x-forwarded-for'] = '203.0.113.9';
    const response = await visitor.submit('/sign-up', '/sign-up', {
      displayName: 'Scale',
      email: `scale.${attempt}.${Date.now()}@example.org`,
      password: 'a long enough password',
      acceptTerms: 'yes',
    });
    statuses.push(response.status);
  }
  const accepted = statuses.filter((status) => status === 200).length;
  lines.push(
    `12 sign-ups from one address spread over ${servers.length} processes (limit 10 an hour): ${accepted} accepted`,
  );

  const chains = await database.query<{ kind: string; waiting: number }>(
    `select kind, count(*)::int as waiting from core_job
     where payload->>'recurring' = 'true' and status in ('queued', 'running') group by kind order by kind`,
  );
  const doubled = chains.rows.filter((row) => row.waiting > 1);
  lines.push(
    `recurring jobs: ${chains.rows.length} kinds, ${doubled.length === 0 ? 'each with one queued run' : `more than one queued run: ${doubled.map((row) => row.kind).join(', ')}`}`,
  );
  const deliveries = await database.query<{ runs: number }>(
    `select count(*)::int as runs from core_job where kind = 'webhooks.deliver' and status = 'done'`,
  );
  lines.push(
    `webhooks.deliver (every 2 s) ran ${deliveries.rows[0]?.runs ?? 0} times in about ${Math.round(runSeconds)} s of ${servers.length} processes (once per period: at most ~${Math.ceil(runSeconds / 2) + 1})`,
  );
  return lines;
}

async function main(): Promise<void> {
  console.log(
    `Scale-out bench — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} cores, ` +
      `load average ${os
        .loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} at start, ${seconds} s rounds, ${concurrency} in flight`,
  );
  const name = `bench_scale_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ic-scale-'));
  const servers: Server[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const database = new pg.Client({ connectionString: databaseUrl });
  try {
    const secretKey = randomBytes(32).toString('base64url');
    progress('starting process 1 (migrations, demo city)');
    servers.push(await startServer(databaseUrl, secretKey, folder));
    progress(`starting processes 2–${maxServers}`);
    servers.push(
      ...(await Promise.all(Array.from({ length: maxServers - 1 }, () => startServer(databaseUrl, secretKey, folder)))),
    );
    const started = Date.now();
    await database.connect();

    const rows: string[][] = [];
    for (let count = 1; count <= servers.length; count++) {
      await nginx?.stop();
      const port = await freePort();
      const upstream = servers
        .slice(0, count)
        .map((server) => `server 127.0.0.1:${server.port};`)
        .join(' ');
      nginx = await startNginx(
        mkdtempSync(path.join(folder, 'nginx-')),
        `upstream city { ${upstream} keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://city;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }`,
        port,
      );
      const url = `http://127.0.0.1:${port}`;
      const resident = await signedIn(url);
      const { csrf } = await resident.page('/account');
      const cookie = [...resident.cookies].map(([key, value]) => `${key}=${value}`).join('; ');
      const options = { concurrency, seconds, warmupSeconds: 1 };
      progress(`${count} process(es): public page`);
      const page = await runLoad({ url: `${url}/`, headers: { 'accept-encoding': 'gzip' } }, options);
      progress(`${count} process(es): write`);
      const write = await runLoad(
        {
          url: `${url}/language`,
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          bodies: ['de', 'fr', 'it'].map((lang) => `_csrf=${encodeURIComponent(csrf)}&lang=${lang}&next=%2F`),
          expect: [303],
        },
        options,
      );
      const cells = (result: LoadResult) => [
        formatNumber(result.requestsPerSecond),
        formatMs(result.medianMs),
        formatMs(result.p95Ms),
        String(result.errors),
      ];
      rows.push([String(count), ...cells(page), ...cells(write)]);
    }
    printTable(
      'Through nginx, one PostgreSQL',
      ['processes', 'home req/s', 'median', 'p95', 'errors', 'write req/s', 'median', 'p95', 'errors'],
      rows,
    );
    console.log('\nAcross the processes:');
    for (const line of await checkConsistency(servers, database, (Date.now() - started) / 1000))
      console.log(`  ${line}`);
  } finally {
    await nginx?.stop();
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(
      servers.map(
        (server) =>
          new Promise((resolve) => (server.child.exitCode !== null ? resolve(0) : server.child.once('exit', resolve))),
      ),
    );
    await database.end().catch(() => {});
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
