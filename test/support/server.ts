import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildPlatform, type Platform } from '../../src/main.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import type { AppContext } from '../../src/platform/context.ts';
import type { ModuleManifest } from '../../src/platform/module.ts';
import { Outbound, parseAllowList } from '../../src/platform/outbound/outbound.ts';
import { pgliteTemplate, postgresFromTemplate } from './templates.ts';

/** The key of every test server that does not set its own: shared databases hold data sealed with it. */
const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef-0123456789';
/** Settings that change what a new database holds; a server given one builds its own database. */
const DATA_SETTINGS = new Set(['SECRET_KEY', 'DEMO_PASSWORD', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'DATABASE_URL']);

export interface TestServer extends Platform {
  url: string;
  config: Config;
  close(): Promise<void>;
}

/** A new, empty PostgreSQL database beside the one `serverUrl` names, and how to drop it again. */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * A local fake (`http://127.0.0.1:4321`, or `127.0.0.1:4321` as it is) as an entry of
 * OUTBOUND_ALLOW_HOSTS: the fakes of outside services listen on the loopback address, which the
 * server's outbound guard refuses unless the operator allows it, so tests allow each fake's host and port.
 */
function allowEntry(target: string): string {
  if (!/^[a-z]+:\/\//i.test(target)) return target;
  const url = new URL(target);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

/**
 * The server's context with these fakes allowed too, for a fake started after the server (a closed
 * port, a second mailbox); the server's own allow-list is unchanged.
 */
export function contextAllowing(server: TestServer, ...targets: string[]): AppContext {
  const extra = parseAllowList(targets.map(allowEntry).join(','));
  if (!extra.ok) throw new Error(extra.problems.join('\n'));
  const allow = [...server.config.outbound.allowHosts, ...extra.entries];
  return { ...server.ctx, outbound: new Outbound({ allow, log: server.ctx.log }) };
}

/**
 * Starts the real platform on a fresh database and a random port: PGlite in memory by default, or a new
 * PostgreSQL database (created from DATABASE_URL and dropped afterwards) when DATABASE_URL is set.
 * `allowOutbound` lists the local fakes the server may contact (their URLs or host:port); every
 * other loopback or private address stays refused, as in production.
 */
export async function startTestServer(
  options: {
    demo?: boolean;
    env?: Record<string, string>;
    adjust?: (config: Config) => void;
    allowOutbound?: string[];
    log?: Logger;
    /** Modules added to the installation's (a test-only publishing adapter); they bring no migrations. */
    modules?: readonly ModuleManifest[];
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ic-test-'));
  const demo = options.demo ?? false;
  // Servers whose settings do not change what a fresh database holds start from a shared copy.
  const shared = !Object.keys(options.env ?? {}).some((key) => DATA_SETTINGS.has(key));
  const kind = demo ? 'demo' : 'empty';
  const configFor = (databaseUrl: string | undefined, folder: string) => {
    const result = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: folder,
      PUBLIC_URL: 'http://localhost:3000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DEMO_PASSWORD: 'demo-password-123',
      SECRET_KEY: TEST_SECRET_KEY,
      ...(options.allowOutbound ? { OUTBOUND_ALLOW_HOSTS: options.allowOutbound.map(allowEntry).join(',') } : {}),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...options.env,
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    return result.config;
  };

  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl && shared) {
    const name = `ic_test_${randomBytes(6).toString('hex')}`;
    await postgresFromTemplate(serverUrl, kind, name, async (url) => {
      const folder = mkdtempSync(path.join(tmpdir(), 'ic-template-'));
      try {
        const built = await buildPlatform(configFor(url, folder), { demo, worker: false, inMemory: true });
        await built.close();
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  } else if (serverUrl) ({ url: databaseUrl, drop: dropDatabase } = await createScratchDatabase(serverUrl, 'ic_test'));
  const config = configFor(databaseUrl, dataDir);
  options.adjust?.(config);
  const template = !serverUrl && shared ? await pgliteTemplate(kind) : undefined;
  const platform = await buildPlatform(config, {
    demo,
    worker: false,
    inMemory: true,
    ...(template && 'dump' in template ? { initialData: template.dump } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.modules ? { extraModules: options.modules } : {}),
  }).catch(async (error: unknown) => {
    // a build that fails lets the others waiting for this template go at once (they build their own)
    if (template && 'keep' in template) await template.keep(undefined);
    throw error;
  });
  if (template && 'keep' in template) await template.keep(await platform.dumpDatabase());
  await platform.app.listen({ port: 0, host: '127.0.0.1' });
  const address = platform.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ...platform,
    config,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await platform.close();
      await dropDatabase?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
