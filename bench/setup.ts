/**
 * What every bench run stands on: a scratch database (a new PostgreSQL database `bench_<random>`, or
 * PGlite in a temporary folder), the real platform built on it with the demo city, and a bare Fastify
 * server in the same process on the same database connections — the baseline every figure is compared
 * with, so that the ratios say what the platform costs rather than what this machine is.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildPlatform, type Platform } from '../src/main.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db/database.ts';
import type { Organisation } from '../src/platform/organisations/organisations.ts';
import { tileX, tileY } from '../src/modules/reports/tiles.ts';
import { progress } from './lib.ts';

/** The demo category intake is measured with: it has no questions, so every channel can send it. */
export const INTAKE_CATEGORY = 'graffiti';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchEnvironment {
  kind: 'pglite' | 'postgres';
  platform: Platform;
  /** The platform's base URL (real socket, 127.0.0.1). */
  url: string;
  bare: FastifyInstance;
  /** The bare server's base URL. */
  bareUrl: string;
  city: Organisation;
  /** Seconds the platform took to open, migrate and seed the demo city. */
  startSeconds: number;
  close(): Promise<void>;
}

interface ScratchDatabase {
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

async function createScratchDatabase(postgres: boolean): Promise<ScratchDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ic-bench-'));
  const removeFolder = (): void => rmSync(dataDir, { recursive: true, force: true });
  if (!postgres) return { databaseUrl: undefined, dataDir, drop: async () => removeFolder() };
  const adminUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL;
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  progress(`created PostgreSQL database ${name}`);
  return {
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      try {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
        progress(`dropped PostgreSQL database ${name}`);
      } finally {
        removeFolder();
      }
    },
  };
}

/**
 * Starts the real platform (production settings, background worker on, logs off so that the terminal
 * is not the bottleneck) with the demo city, and the bare baseline server beside it.
 */
export async function startEnvironment(options: { postgres: boolean }): Promise<BenchEnvironment> {
  const scratch = await createScratchDatabase(options.postgres);
  try {
    const result = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: scratch.dataDir,
      PUBLIC_URL: 'http://127.0.0.1:3000',
      LOG_LEVEL: 'silent',
      SECRET_KEY: randomBytes(32).toString('hex'),
      DEMO_PASSWORD: randomBytes(12).toString('hex'),
      ...(scratch.databaseUrl ? { DATABASE_URL: scratch.databaseUrl } : {}),
      // PostgreSQL runs on this same machine: two connections per core (10, the platform's default,
      // left ten backends, the server and the load generator fighting over 2 cores). Another size can
      // be tried with DATABASE_POOL_SIZE=N.
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? String(2 * cpus().length),
      // the fediverse bench's receivers listen on the loopback address, which the outbound guard refuses
      // unless the operator allows it
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const config = result.config;
    // The bench sends thousands of writes from one address and one API key; the limiter still runs
    // (its database write is part of what is measured), it only never says no.
    config.rateLimits.publicWrite = { limit: 1_000_000_000, windowSeconds: 60 };

    const started = performance.now();
    progress(
      `starting the platform on ${scratch.databaseUrl ? `PostgreSQL (pool of ${config.databasePoolSize} connections)` : 'PGlite'} with the demo city`,
    );
    const platform = await buildPlatform(config, { demo: true, worker: true });
    const startSeconds = (performance.now() - started) / 1000;
    await settleBackgroundWork(platform.ctx.db);
    await platform.app.listen({ port: 0, host: '127.0.0.1' });
    const city = (await platform.organisations.findAll()).find((organisation) => organisation.isDefault);
    if (!city) throw new Error('the demo city was not created');

    const bare = await startBareServer(platform.ctx.db, city);
    return {
      kind: platform.ctx.dbKind,
      platform,
      url: baseUrl(platform.app),
      bare,
      bareUrl: baseUrl(bare),
      city,
      startSeconds,
      async close() {
        await bare.close();
        await platform.close();
        await scratch.drop();
      },
    };
  } catch (error) {
    await scratch.drop().catch(() => {});
    throw error;
  }
}

/**
 * Waits (up to a minute) until the worker has run every job that is due — the demo city queues work
 * at start (analysing its inbox messages, first runs of recurring jobs) that would otherwise run inside
 * the first measured rounds and weigh on whichever route they fall on.
 */
async function settleBackgroundWork(db: Db): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    const due = await sql<{
      n: number;
    }>`select count(*)::int as n from core_job where (status = 'queued' and run_at <= now()) or status = 'running'`.execute(
      db,
    );
    if ((due.rows[0]?.n ?? 0) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  progress(`background work settled after ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function baseUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('server is not listening');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * The baseline: Fastify with nothing but the form-body parser, on the platform's own database handle.
 * `/ok` answers `{ok:true}`; `/db/select` runs `select 1`; `/db/insert` inserts one row into a bench
 * table; `/reports/insert` inserts one report with one raw INSERT (what Open311 intake is compared to).
 */
async function startBareServer(db: Db, city: Organisation): Promise<FastifyInstance> {
  await sql`create table if not exists bench_row (id bigserial primary key, note text not null, created_at timestamptz not null default now())`.execute(
    db,
  );
  const category = await db
    .selectFrom('reports_category')
    .select(['id', 'default_department_id'])
    .where('organisation_id', '=', city.id)
    .where('code', '=', INTAKE_CATEGORY)
    .executeTakeFirstOrThrow();
  const bare = Fastify({ logger: false });
  await bare.register(formbody);
  bare.get('/ok', async () => ({ ok: true }));
  bare.get('/db/select', async () => {
    await sql`select 1`.execute(db);
    return { ok: true };
  });
  bare.post('/db/insert', async () => {
    await sql`insert into bench_row (note) values ('bench')`.execute(db);
    return { ok: true };
  });
  bare.post('/reports/insert', async (request, reply) => {
    const body = request.body as Record<string, string | undefined>;
    const id = await insertReportRaw(
      db,
      city.id,
      category,
      Number(body.lat),
      Number(body.long),
      body.description ?? '',
    );
    return reply.code(201).send([{ service_request_id: id }]);
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  return bare;
}

/** One report stored with one raw INSERT and nothing else: the floor Open311 intake is compared with. */
export async function insertReportRaw(
  db: Db,
  organisationId: number,
  category: { id: number; default_department_id: number | null },
  lat: number,
  lng: number,
  description: string,
): Promise<number> {
  const row = await sql<{ id: number }>`
    insert into reports_report (organisation_id, category_id, department_id, description, lat, lng, tile_x, tile_y, source, token)
    values (${organisationId}, ${category.id}, ${category.default_department_id}, ${description}, ${lat}, ${lng}, ${tileX(lng)}, ${tileY(lat)}, 'open311', ${randomBytes(12).toString('hex')})
    returning id`.execute(db);
  return Number(row.rows[0]?.id);
}
