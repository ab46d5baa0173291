import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildPlatform, type Platform } from '../../src/main.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { Outbound, parseAllowList } from '../../src/platform/outbound/outbound.ts';

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
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ic-test-'));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL)
    ({ url: databaseUrl, drop: dropDatabase } = await createScratchDatabase(process.env.DATABASE_URL, 'ic_test'));
  const result = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO_PASSWORD: 'demo-password-123',
    ...(options.allowOutbound ? { OUTBOUND_ALLOW_HOSTS: options.allowOutbound.map(allowEntry).join(',') } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const config = result.config;
  options.adjust?.(config);
  const platform = await buildPlatform(config, {
    demo: options.demo ?? false,
    worker: false,
    inMemory: true,
    ...(options.log ? { log: options.log } : {}),
  });
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
