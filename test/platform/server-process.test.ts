import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { lockDataFolder } from '../../src/platform/db/lock.ts';

const root = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'ic-process-'));
  folders.push(folder);
  return folder;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(
  script: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  let output = '';
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function waitForReady(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become ready`);
}

describe('the server process', { concurrency: false }, () => {
  test('refuses to start on a data folder another server holds', async () => {
    const dataDir = tempFolder();
    const lock = lockDataFolder(dataDir);
    assert.ok(!('heldBy' in lock));
    const second = run('src/server.ts', [], { DATA_DIR: dataDir, PORT: String(await freePort()), DATABASE_URL: '' });
    assert.equal(await second.exit, 1);
    assert.match(second.output(), /another server \(process \d+\) is using the data folder/);
    lock.release();
  });

  test('takes over a lock left by a process that no longer runs', () => {
    const dataDir = tempFolder();
    writeFileSync(path.join(dataDir, 'server.lock'), '999999');
    const lock = lockDataFolder(dataDir);
    assert.ok(!('heldBy' in lock));
    lock.release();
  });

  test(
    'stops cleanly on SIGTERM, releases the folder, and starts again on the same data',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempFolder();
      const port = await freePort();
      const env = {
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: '',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
      };
      const first = run('src/server.ts', ['--no-demo'], env);
      await waitForReady(`http://127.0.0.1:${port}`);
      // a request whose headers have arrived but whose body is still on its way when the signal comes
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const body = 'lang=de&next=%2F';
      socket.write(
        `POST /language HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      first.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.write(body);
      await new Promise((resolve) => socket.once('close', resolve));
      assert.match(answer, /^HTTP\/1\.1 \d{3}/, 'the request in flight is answered');
      assert.equal(await first.exit, 0, first.output());
      assert.match(first.output(), /stopped cleanly/);
      assert.equal(existsSync(path.join(dataDir, 'server.lock')), false);

      const second = run('src/server.ts', ['--no-demo'], env);
      await waitForReady(`http://127.0.0.1:${port}`);
      second.child.kill('SIGINT');
      assert.equal(await second.exit, 0, second.output());
    },
  );

  test('stops with every configuration problem listed', async () => {
    const bad = run('src/server.ts', [], {
      PORT: 'abc',
      LOG_LEVEL: 'chatty',
      LOG_FORMAT: 'fancy',
      DATA_DIR: tempFolder(),
    });
    assert.equal(await bad.exit, 1);
    assert.match(bad.output(), /PORT must be/);
    assert.match(bad.output(), /LOG_LEVEL must be/);
    assert.match(bad.output(), /LOG_FORMAT must be one of json, pretty/);
  });

  test(
    'logs one JSON line per request, with its id, status and time and without query-string values',
    { timeout: 120_000 },
    async () => {
      const { server, url } = await startServer({ LOG_FORMAT: 'json' });
      const asked = [
        { path: '/ready', init: {}, status: 200 },
        { path: '/?lang=de&token=sec-ret-123', init: {}, status: 200 },
        { path: '/no-such-page?email=giulia%40valmora.example', init: {}, status: 404 },
        { path: '/language', init: { method: 'POST' }, status: 403 },
      ];
      for (const [index, { path: requestPath, init, status }] of asked.entries()) {
        const response = await fetch(`${url}${requestPath}`, {
          ...init,
          headers: { 'x-request-id': `log-test-${index}`, accept: 'text/html' },
        });
        assert.equal(response.status, status, requestPath);
        await response.arrayBuffer();
      }
      server.child.kill('SIGTERM');
      assert.equal(await server.exit, 0, server.output());

      const lines = server.output().trimEnd().split('\n');
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const [index, { path: requestPath, init, status }] of asked.entries()) {
        const forRequest = entries.filter((entry) => entry.reqId === `log-test-${index}`);
        assert.deepEqual(
          forRequest.map(({ method, url, status, ms }) => ({ method, url, status, timed: typeof ms === 'number' })),
          [{ method: init.method ?? 'GET', url: requestPath.replace(/=[^&]*/g, '=*'), status, timed: true }],
          `one line for ${requestPath}:\n${server.output()}`,
        );
      }
      assert.doesNotMatch(server.output(), /sec-ret-123|giulia|valmora\.example/);
      assert.ok(!entries.some((entry) => entry.msg === 'incoming request' || entry.msg === 'request completed'));
    },
  );

  test('writes readable lines, not JSON, with LOG_FORMAT=pretty', { timeout: 120_000 }, async () => {
    const { server, url } = await startServer({ LOG_FORMAT: 'pretty' });
    const response = await fetch(`${url}/health?probe=1`, { headers: { 'x-request-id': 'pretty-test' } });
    assert.equal(response.status, 200);
    server.child.kill('SIGTERM');
    assert.equal(await server.exit, 0, server.output());
    const lines = server.output().trimEnd().split('\n');
    // each entry starts with its time; what it carries besides the message follows on indented lines
    for (const line of lines) assert.match(line, /^(\[\d\d:\d\d:\d\d\.\d{3}\] |\s)/);
    assert.ok(!lines.some((line) => line.startsWith('{')));
    assert.ok(
      lines.some((line) =>
        /^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*: .*GET \/health\?probe=\* 200 [\d.]+ ms \(pretty-test\)/.test(line),
      ),
      server.output(),
    );
    assert.ok(lines.some((line) => /stopped cleanly/.test(line)));
  });

  test(
    'stopping the npm process behind npm start (SIGTERM or SIGINT) stops the server cleanly',
    { timeout: 180_000 },
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = {
        DATA_DIR: tempFolder(),
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: '',
        PUBLIC_URL: url,
        LOG_FORMAT: 'json',
      };
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        const npm = runNpmStart(env);
        try {
          await waitForReady(url);
          npm.child.kill(signal);
          await waitForClosed(port, 10_000);
          await npm.exit;
          assert.match(npm.output(), /stopped cleanly/, npm.output());
        } finally {
          npm.killServer();
        }
      }
    },
  );

  test('imports districts from a GeoJSON file with the places command', { timeout: 120_000 }, async () => {
    const dataDir = tempFolder();
    const file = path.join(dataDir, 'districts.geojson');
    const square = (x: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, 50],
          [x + 1, 50],
          [x + 1, 51],
          [x, 51],
          [x, 50],
        ],
      ],
    });
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { code: 'west', name: { en: 'West', nl: 'West' } }, geometry: square(3) },
          {
            type: 'Feature',
            properties: { code: 'west-a', kind: 'neighbourhood', parent: 'west', name: 'Westpoort' },
            geometry: square(3),
          },
        ],
      }),
    );
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const start = run('src/server.ts', ['--no-demo'], { ...env, PORT: String(await freePort()) });
    // the first start creates the city; stop it to free the folder for the command
    await waitForReadyFromLog(start);
    start.child.kill('SIGTERM');
    await start.exit;
    const imported = run('src/cli/places.ts', ['import', file], env);
    assert.equal(await imported.exit, 0, imported.output());
    assert.match(imported.output(), /2 new, 0 updated/);
    const listed = run('src/cli/places.ts', ['list'], env);
    assert.equal(await listed.exit, 0);
    assert.match(listed.output(), /neighbourhood\s+west-a/);
    const invalid = run('src/cli/places.ts', ['import', path.join(dataDir, 'missing.geojson')], env);
    assert.equal(await invalid.exit, 1);
    const usage = run('src/cli/places.ts', [], env);
    assert.equal(await usage.exit, 2);
  });
});

/**
 * `npm start -- --no-demo` as an operator runs it (npm from PATH), and how to stop the server it started if a
 * test fails half-way: the server's process id is in its JSON log lines.
 */
function runNpmStart(env: Record<string, string>): ReturnType<typeof run> & { killServer: () => void } {
  let output = '';
  const child = spawn('npm', ['start', '--', '--no-demo'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const killServer = () => {
    const serverPid = /"pid":(\d+)/.exec(output)?.[1];
    if (serverPid === undefined) return;
    try {
      process.kill(Number(serverPid), 'SIGKILL');
    } catch {
      // already stopped, as it should be
    }
  };
  return { child, output: () => output, exit, killServer };
}

/** Resolves when nothing listens on the port any more; fails after `timeoutMs`. */
async function waitForClosed(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`port ${port} is still open after ${timeoutMs} ms`);
}

/** Starts `src/server.ts` on an empty data folder and a free port, and waits until it answers. */
async function startServer(
  env: Record<string, string>,
): Promise<{ server: ReturnType<typeof run>; url: string; port: number }> {
  const port = await freePort();
  const server = run('src/server.ts', ['--no-demo'], {
    DATA_DIR: tempFolder(),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: '',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(url);
  return { server, url, port };
}

async function waitForReadyFromLog(process: { output: () => string }, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (/is ready at/.test(process.output())) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not start:\n${process.output()}`);
}
