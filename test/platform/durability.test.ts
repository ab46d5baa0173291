import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { createScratchDatabase } from '../support/server.ts';

/**
 * "A report acknowledged to the resident is never lost, also when the server is killed right after":
 * reports are sent through Open311, the server is killed with SIGKILL (no shutdown at all) the moment
 * the last acknowledgement arrives, and a new server on the same database must serve every one of them.
 * Runs on PGlite (a data folder) or, with DATABASE_URL, on a fresh PostgreSQL database.
 */

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'ic-durability-'));
let databaseUrl = '';
let dropDatabase: (() => Promise<void>) | undefined;
let running: ChildProcess | undefined;

after(async () => {
  running?.kill('SIGKILL');
  await dropDatabase?.();
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startServer(
  port: number,
): Promise<{ child: ChildProcess; exit: Promise<unknown>; output: () => string }> {
  let output = '';
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      DEMO_PASSWORD: 'demo-password-123',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    },
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise((resolve) => child.on('exit', resolve));
  running = child;
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server stopped: ${output}`);
    if (
      await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, exit, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not become ready: ${output}`);
}

test(
  'reports acknowledged through Open311 survive a SIGKILL of the server right after',
  { timeout: 300_000 },
  async () => {
    if (process.env.DATABASE_URL)
      ({ url: databaseUrl, drop: dropDatabase } = await createScratchDatabase(
        process.env.DATABASE_URL,
        'ic_durability',
      ));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await startServer(port);

    const administrator = new TestClient(base);
    const signIn = await administrator.submit('/sign-in', '/sign-in', {
      email: 'admin@valmora.example',
      password: 'demo-password-123',
    });
    assert.equal(signIn.status, 303, 'the demo administrator signs in');
    const { csrfToken } = (await (await administrator.get('/api/v1/me')).json()) as { csrfToken: string };
    const { key } = (await (
      await administrator.json(
        'POST',
        '/api/v1/admin/api-keys',
        { name: 'durability test', scopes: ['open311'] },
        { 'x-csrf-token': csrfToken },
      )
    ).json()) as { key: string };

    const lookup = (await (await fetch(`${base}/api/v1/districts.geojson`)).json()) as {
      features: Array<{ geometry: { type: string; coordinates: number[][][] | number[][][][] } }>;
    };
    const ring = (
      lookup.features[0]?.geometry.type === 'Polygon'
        ? lookup.features[0].geometry.coordinates[0]
        : (lookup.features[0]?.geometry.coordinates as number[][][][])[0]?.[0]
    ) as number[][];
    // The average of a convex-ish district outline's corners lies inside it.
    const lng = ring.reduce((sum, point) => sum + (point[0] ?? 0), 0) / ring.length;
    const lat = ring.reduce((sum, point) => sum + (point[1] ?? 0), 0) / ring.length;

    const acknowledged: string[] = [];
    for (let index = 0; index < 12; index++) {
      const response = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          api_key: key,
          service_code: 'streetlight',
          lat: String(lat),
          long: String(lng),
          description: `Lamp out number ${index}, dark at night`,
        }).toString(),
      });
      const body = (await response.json()) as Array<{ service_request_id?: string | number; token?: string }>;
      assert.equal(response.status, 201, JSON.stringify(body));
      acknowledged.push(
        body[0]?.service_request_id !== undefined ? String(body[0].service_request_id) : `token:${body[0]?.token}`,
      );
    }
    first.child.kill('SIGKILL');
    await first.exit;

    await startServer(port);
    for (const id of acknowledged) {
      assert.ok(!id.startsWith('token:'), 'the id is given at once');
      const response = await fetch(`${base}/open311/v2/requests/${id}.json`);
      assert.equal(response.status, 200, `report ${id} is still there after the kill`);
    }
  },
);
