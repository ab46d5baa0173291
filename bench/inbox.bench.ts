/**
 * Inbox (issue 5) — end-to-end ingestion into the database, on the real platform with the demo city
 * (PGlite, or PostgreSQL with --postgres), each figure beside a baseline measured in the same run:
 *   (a) single-message requests to the generic signed JSON webhook `POST /api/v1/inbox/webhook/:id`
 *       (HMAC checked, items validated, stored once, threaded, analysis queued), with N requests in
 *       flight, against a bare Fastify route that parses the same JSON and does one raw INSERT of the
 *       message into a scratch table; bare and webhook rounds alternate so that other work on the
 *       machine weighs on both alike;
 *   (b) ingestMessages called directly with batches of 100, against one raw 100-row INSERT;
 *   (c) the analysis job (analyseNewMessages) over every message stored by (a) and (b), against
 *       language identification alone and the analysis engine alone on the same texts.
 * The background worker is paused while this runs, so (a) and (b) measure storing, and (c) analysing.
 */
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import { analyseNewMessages, analysisContextFor, gazetteerFor } from '../src/modules/inbox/analyse.ts';
import { analyseMessage, identifyLanguage, warmLanguageModel } from '../src/modules/inbox/analysis/index.ts';
import { DATA_LANGUAGES, readSplit } from '../src/modules/inbox/analysis/evaluation.ts';
import { findChannelRecord, insertChannel } from '../src/modules/inbox/channels.repository.ts';
import type { IncomingMessage } from '../src/modules/inbox/channels/channel.ts';
import { ingestMessages } from '../src/modules/inbox/ingest.ts';
import { sharedDataDir } from '../test/support/shared-data.ts';
import {
  generateMessages,
  runWebhookLoad,
  type MessageSource,
  type WebhookItem,
  type WebhookLoadResult,
} from './inbox-messages.ts';
import { formatMs, formatNumber, printTable, progress, type BenchOptions } from './lib.ts';
import type { BenchEnvironment } from './setup.ts';

const SECRET = 'bench-webhook-secret-0123456789';
const BATCH = 100;

/** The city's place names and centre, and the shared tweets when the workplace has them (read, never stored in the repository). */
async function messageSource(env: BenchEnvironment): Promise<{ source: MessageSource; note: string }> {
  const gazetteer = await gazetteerFor(env.platform.ctx.db, env.city);
  const places = [
    ...(gazetteer.streets ?? []).map((street) => street.name),
    ...gazetteer.districts.flatMap((district) => district.names),
  ];
  let extraTexts: string[] | undefined;
  try {
    const dir = sharedDataDir('sentiment');
    extraTexts = Object.keys(DATA_LANGUAGES).flatMap((folder) => readSplit(dir, folder, 'val').map((row) => row.text));
  } catch {
    extraTexts = undefined;
  }
  const note = extraTexts ? 'templates in 8 languages mixed 1:1 with the shared tweets' : 'templates in 8 languages';
  return {
    source: {
      places: places.length > 0 ? places : ['the centre'],
      centre: { lat: env.city.map.lat, lng: env.city.map.lng },
      extraTexts,
    },
    note,
  };
}

/** The baseline of (a): parse the JSON, one INSERT of the message into a scratch table. */
async function startBareInbox(db: Db): Promise<{ app: FastifyInstance; url: string }> {
  await sql`create table if not exists bench_inbox_message (id bigserial primary key, external_id text not null, author_id text not null, body text not null, sent_at timestamptz not null, lat double precision, lng double precision)`.execute(
    db,
  );
  const app = Fastify({ logger: false });
  app.post('/inbox/insert', async (request) => {
    const item = request.body as WebhookItem;
    await sql`insert into bench_inbox_message (external_id, author_id, body, sent_at, lat, lng) values (${item.id}, ${item.author.id}, ${item.text}, ${item.sent_at}, ${item.lat ?? null}, ${item.lng ?? null})`.execute(
      db,
    );
    return { received: 1, stored: 1, duplicates: 0 };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('bare inbox server is not listening');
  return { app, url: `http://127.0.0.1:${address.port}/inbox/insert` };
}

function incoming(item: WebhookItem): IncomingMessage {
  return {
    externalId: item.id,
    inReplyTo: item.in_reply_to,
    author: { externalId: item.author.id, name: item.author.name },
    text: item.text,
    location: item.lat !== undefined && item.lng !== undefined ? { lat: item.lat, lng: item.lng } : undefined,
    sentAt: new Date(item.sent_at),
    raw: item,
  };
}

/** Messages per second of `work` over the texts, repeated for about `seconds` on this thread. */
function perSecond(texts: readonly string[], seconds: number, work: (text: string) => unknown): number {
  for (const text of texts.slice(0, 500)) work(text);
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (const text of texts) work(text);
    done += texts.length;
  }
  return done / ((performance.now() - started) / 1000);
}

function combine(
  rounds: readonly WebhookLoadResult[],
  seconds: number,
): { perSecond: number; medianMs: number; p95Ms: number; errors: number; firstError: string | null } {
  return {
    perSecond: rounds.reduce((sum, round) => sum + round.acknowledged, 0) / (seconds * rounds.length),
    medianMs: rounds.reduce((sum, round) => sum + round.medianMs, 0) / rounds.length,
    p95Ms: Math.max(...rounds.map((round) => round.p95Ms)),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    firstError: rounds.find((round) => round.firstError)?.firstError ?? null,
  };
}

/** Measures (a), (b) and (c) and prints one table. */
export async function benchInbox(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const ctx = env.platform.ctx;
  const db = ctx.db;
  const city = env.city;
  await ctx.jobs.stop();
  const bare = await startBareInbox(db);
  try {
    const { source, note } = await messageSource(env);
    warmLanguageModel();
    const channelId = await insertChannel(db, ctx.config.secretKey, {
      organisationId: city.id,
      kind: 'webhook',
      name: 'Bench webhook',
      settings: {},
      secrets: { secret: SECRET },
    });
    const webhookUrl = `${env.url}/api/v1/inbox/webhook/${channelId}`;
    const stored = async (): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('inbox_message')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('channel_id', '=', channelId)
            .executeTakeFirstOrThrow()
        ).n,
      );

    // (a) webhook against the bare route, alternating rounds.
    const load = {
      source,
      concurrency: options.concurrency,
      seconds: options.seconds,
      warmupSeconds: options.quick ? 1 : 2,
    };
    const bareRounds: WebhookLoadResult[] = [];
    const webhookRounds: WebhookLoadResult[] = [];
    for (let round = 0; round < 2; round++) {
      progress(`inbox (a): bare insert round ${round + 1}, ${options.concurrency} in flight, ${options.seconds} s`);
      bareRounds.push(await runWebhookLoad({ ...load, url: bare.url, secret: SECRET, prefix: `bare${round}` }));
      progress(`inbox (a): webhook round ${round + 1}`);
      webhookRounds.push(await runWebhookLoad({ ...load, url: webhookUrl, secret: SECRET, prefix: `hook${round}` }));
    }
    const bareFigures = combine(bareRounds, options.seconds);
    const webhookFigures = combine(webhookRounds, options.seconds);
    if (webhookFigures.errors > 0)
      progress(`warning: ${webhookFigures.errors} webhook requests failed, first: ${webhookFigures.firstError}`);
    const acknowledged = webhookRounds.reduce((sum, round) => sum + round.acknowledged, 0);
    const inDatabase = await stored();

    // (b) ingestMessages in batches of 100 against one raw 100-row INSERT.
    const total = options.quick ? 5_000 : 20_000;
    const channel = await findChannelRecord(db, ctx.config.secretKey, city.id, channelId);
    if (!channel) throw new Error('bench channel not found');
    const batchItems = generateMessages(source, 'batch', total, 42);
    progress(`inbox (b): ingestMessages, ${total.toLocaleString('en-GB')} messages in batches of ${BATCH}`);
    let started = performance.now();
    let storedByBatches = 0;
    for (let start = 0; start < total; start += BATCH)
      storedByBatches += (
        await ingestMessages(db, ctx.jobs, channel, batchItems.slice(start, start + BATCH).map(incoming))
      ).stored;
    const ingestSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    for (let start = 0; start < total; start += BATCH) {
      const rows = batchItems
        .slice(start, start + BATCH)
        .map(
          (item) =>
            sql`(${`raw-${item.id}`}, ${item.author.id}, ${item.text}, ${item.sent_at}, ${item.lat ?? null}, ${item.lng ?? null})`,
        );
      await sql`insert into bench_inbox_message (external_id, author_id, body, sent_at, lat, lng) values ${sql.join(rows)}`.execute(
        db,
      );
    }
    const rawSeconds = (performance.now() - started) / 1000;

    // (c) the analysis job over everything stored, against the engine alone and language identification alone.
    const waiting = await db
      .selectFrom('inbox_message')
      .select(['subject', 'body'])
      .where('organisation_id', '=', city.id)
      .where('direction', '=', 'in')
      .where('analysed_at', 'is', null)
      .execute();
    const texts = waiting.map((row) => (row.subject ? `${row.subject}\n${row.body}` : row.body));
    const context = await analysisContextFor(ctx, city);
    const engineSeconds = options.quick ? 1 : 3;
    progress(
      `inbox (c): language identification and the engine alone on ${texts.length.toLocaleString('en-GB')} texts, ${engineSeconds} s each`,
    );
    const languageRate = perSecond(texts, engineSeconds, (text) => identifyLanguage(text));
    const engineRate = perSecond(texts, engineSeconds, (text) => analyseMessage({ text }, context));
    // Each run of the job analyses up to 5,000 messages; runs follow one another until nothing waits or the time is up.
    const jobLimitSeconds = options.quick ? 20 : 60;
    progress(`inbox (c): analyseNewMessages until nothing waits (at most ${jobLimitSeconds} s)`);
    started = performance.now();
    let analysed = 0;
    for (let count = -1; count !== 0 && performance.now() - started < jobLimitSeconds * 1000;) {
      count = await analyseNewMessages(ctx, city.id);
      analysed += count;
    }
    const jobSeconds = (performance.now() - started) / 1000;
    const jobRate = analysed / jobSeconds;

    const ratio = (value: number, base: number): string => (value / base).toFixed(2);
    printTable(
      `Inbox — ingestion and analysis (${env.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}; messages: ${note})`,
      ['part', 'what', 'messages/s', 'median ms', 'p95 ms', 'vs baseline'],
      [
        [
          '(a) baseline',
          `bare route, one INSERT per message, ${options.concurrency} in flight`,
          formatNumber(bareFigures.perSecond),
          formatMs(bareFigures.medianMs),
          formatMs(bareFigures.p95Ms),
          '1.00',
        ],
        [
          '(a)',
          `signed webhook, one message per request, ${options.concurrency} in flight`,
          formatNumber(webhookFigures.perSecond),
          formatMs(webhookFigures.medianMs),
          formatMs(webhookFigures.p95Ms),
          ratio(webhookFigures.perSecond, bareFigures.perSecond),
        ],
        [
          '(b) baseline',
          `one INSERT of ${BATCH} rows`,
          formatNumber(total / rawSeconds),
          formatMs((rawSeconds * 1000 * BATCH) / total),
          '',
          '1.00',
        ],
        [
          '(b)',
          `ingestMessages, batches of ${BATCH}`,
          formatNumber(total / ingestSeconds),
          formatMs((ingestSeconds * 1000 * BATCH) / total),
          '',
          ratio(total / ingestSeconds, total / rawSeconds),
        ],
        ['(c) baseline', 'identifyLanguage alone (one core)', formatNumber(languageRate), '', '', '1.00'],
        [
          '(c)',
          'analyseMessage alone, the city’s context (one core)',
          formatNumber(engineRate),
          '',
          '',
          ratio(engineRate, languageRate),
        ],
        [
          '(c)',
          `analysis job, ${analysed.toLocaleString('en-GB')} of ${texts.length.toLocaleString('en-GB')} waiting messages`,
          formatNumber(jobRate),
          '',
          '',
          ratio(jobRate, languageRate),
        ],
      ],
    );
    console.log(
      `\n(a) ${acknowledged.toLocaleString('en-GB')} webhook requests acknowledged in the measured rounds; ${inDatabase.toLocaleString('en-GB')} messages of the webhook channel in the database (warm-up included), ` +
        `${webhookFigures.errors} failed. (b) ${storedByBatches.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} stored. (c) ${formatMs(jobSeconds * 1000)} ms in total; median ms of (b) is per batch.`,
    );
  } finally {
    await bare.app.close();
    ctx.jobs.start();
  }
}
