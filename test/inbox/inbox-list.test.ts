import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { analyseNewMessages } from '../../src/modules/inbox/analyse.ts';
import { findChannelRecord } from '../../src/modules/inbox/channels.repository.ts';
import type { ChannelRecord } from '../../src/modules/inbox/channels/channel.ts';
import { STATUS_COUNT_CAP } from '../../src/modules/inbox/conversations.repository.ts';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import { autovacuumRuns } from '../../src/platform/db/statistics.ts';
import { STATISTICS_JOB } from '../../src/platform/maintenance.ts';
import { TestClient } from '../support/client.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * The staff inbox list as the city grows (issue 14): what it shows must stay right when it is read
 * from the conversation's stored first message and capped counts, and the embedded database keeps its
 * planner statistics fresh without autovacuum. Its speed is measured in bench/inbox-list.bench.ts.
 */

let server: TestServer;
let organisationId: number;
let admin: TestClient;
let web: ChannelRecord;

before(async () => {
  server = await startTestServer({ demo: true });
  organisationId = await firstOrganisationId(server);
  admin = new TestClient(server.url);
  const signedIn = await admin.submit('/sign-in', '/sign-in', {
    email: 'admin@valmora.example',
    password: 'demo-password-123',
  });
  assert.equal(signedIn.status, 303);
  const channelId = (
    await server.ctx.db.selectFrom('inbox_channel').select('id').where('kind', '=', 'web').executeTakeFirstOrThrow()
  ).id;
  const channel = await findChannelRecord(server.ctx.db, server.config.secretKey, organisationId, channelId);
  assert.ok(channel);
  web = channel;
});

after(async () => {
  await server.close();
});

/** The table row of one conversation on a list page. */
function rowOf(html: string, conversationId: number): string {
  const start = html.indexOf(`href="/staff/inbox/${conversationId}"`);
  assert.ok(start >= 0, `conversation ${conversationId} is on the page`);
  const from = html.lastIndexOf('<tr', start);
  return html.slice(from, html.indexOf('</tr>', start));
}

describe('the staff inbox list', () => {
  test('shows and filters on the earliest incoming message, also when an older one arrives later', async () => {
    const tag = `early${Date.now()}`;
    const now = Date.now();
    await ingestMessages(server.ctx.db, server.ctx.jobs, web, [
      {
        externalId: `${tag}-late`,
        threadKey: tag,
        author: { externalId: `${tag}@example.org` },
        text: `${tag} Thank you so much, the new playground is wonderful and the children love it!`,
        sentAt: new Date(now - 60_000),
      },
    ]);
    // the message written first reaches the city second (a channel polled late)
    await ingestMessages(server.ctx.db, server.ctx.jobs, web, [
      {
        externalId: `${tag}-early`,
        threadKey: tag,
        author: { externalId: `${tag}@example.org` },
        text: `${tag} The broken streetlight outside number 12 is dangerous, it has been dark for weeks.`,
        sentAt: new Date(now - 3_600_000),
      },
    ]);
    await analyseNewMessages(server.ctx, organisationId);
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select(['id', 'first_incoming_id'])
      .where('thread_key', '=', tag)
      .executeTakeFirstOrThrow();
    const early = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['id', 'sentiment'])
      .where('external_id', '=', `${tag}-early`)
      .executeTakeFirstOrThrow();
    assert.equal(conversation.first_incoming_id, early.id);
    assert.equal(early.sentiment, 'negative');

    const { html } = await admin.page(`/staff/inbox?q=${tag}`);
    assert.match(rowOf(html, conversation.id), /broken streetlight/);
    assert.doesNotMatch(rowOf(html, conversation.id), /playground/);
    const negative = await admin.page(`/staff/inbox?q=${tag}&sentiment=negative`);
    assert.match(negative.html, new RegExp(`href="/staff/inbox/${conversation.id}"`));
    const positive = await admin.page(`/staff/inbox?q=${tag}&sentiment=positive`);
    assert.doesNotMatch(positive.html, new RegExp(`href="/staff/inbox/${conversation.id}"`));

    // a staff correction of that message moves the conversation between the filters at once
    const corrected = await admin.submit(
      `/staff/inbox/${conversation.id}`,
      `/staff/inbox/${conversation.id}/messages/${early.id}/labels`,
      { sentiment: 'positive', topic: '' },
    );
    assert.equal(corrected.status, 303);
    const nowPositive = await admin.page(`/staff/inbox?q=${tag}&sentiment=positive`);
    assert.match(nowPositive.html, new RegExp(`href="/staff/inbox/${conversation.id}"`));
    const noLongerNegative = await admin.page(`/staff/inbox?q=${tag}&sentiment=negative`);
    assert.doesNotMatch(noLongerNegative.html, new RegExp(`href="/staff/inbox/${conversation.id}"`));
  });

  test('finds words anywhere in a conversation, in any message, in any letters', async () => {
    const tag = `search${Date.now()}`;
    await ingestMessages(server.ctx.db, server.ctx.jobs, web, [
      {
        externalId: `${tag}-1`,
        threadKey: tag,
        author: { externalId: `${tag}@example.org` },
        text: 'Bonjour, la fontaine de la place ne fonctionne plus.',
        sentAt: new Date(Date.now() - 120_000),
      },
      {
        externalId: `${tag}-2`,
        threadKey: tag,
        author: { externalId: `${tag}@example.org` },
        text: `Précision : c’est la Fontaine Ärztehaus-${tag}, près du marché.`,
        sentAt: new Date(Date.now() - 60_000),
      },
    ]);
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('id')
      .where('thread_key', '=', tag)
      .executeTakeFirstOrThrow();
    // a word of the second message, in other letter case
    const { html } = await admin.page(`/staff/inbox?q=${encodeURIComponent(`ärztehaus-${tag.toUpperCase()}`)}`);
    assert.match(html, new RegExp(`href="/staff/inbox/${conversation.id}"`));
    assert.match(html, /data-count="new">1</);
  });

  test('counts each status exactly up to the cap, then shows the cap with a plus', async () => {
    const counts = async () =>
      Object.fromEntries(
        (
          await server.ctx.db
            .selectFrom('inbox_conversation')
            .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
            .where('organisation_id', '=', organisationId)
            .groupBy('status')
            .execute()
        ).map((row) => [row.status, row.n]),
      ) as Record<string, number>;
    const before = await counts();
    const missing = STATUS_COUNT_CAP + 1 - (before.waiting ?? 0);
    await sql`insert into inbox_conversation (organisation_id, channel_id, thread_key, status, message_count,
        first_message_at, last_message_at)
      select ${organisationId}, ${web.id}, 'capped-' || g, 'waiting', 0, now() - g * interval '1 minute', now() - g * interval '1 minute'
        from generate_series(1, ${missing}::int) g`.execute(server.ctx.db);
    const now = await counts();
    const { html } = await admin.page('/staff/inbox');
    assert.match(html, /data-count="waiting">1,000\+</);
    assert.match(html, new RegExp(`data-count="open">${(now.open ?? 0).toLocaleString('en')}<`));
    assert.match(html, new RegExp(`data-count="new">${(now.new ?? 0).toLocaleString('en')}<`));
    // one less, and the count is exact again
    await sql`delete from inbox_conversation where thread_key = 'capped-1'`.execute(server.ctx.db);
    const exact = await admin.page('/staff/inbox');
    assert.match(exact.html, /data-count="waiting">1,000</);
  });

  test('where autovacuum does not run, planner statistics are refreshed after a bulk change and on a schedule', async () => {
    const queued = () =>
      server.ctx.db
        .selectFrom('core_job')
        .select(['id', 'run_at'])
        .where('kind', '=', 'platform.statistics.soon')
        .where('status', '=', 'queued')
        .execute();
    const tag = `bulk${Date.now()}`;
    await ingestMessages(
      server.ctx.db,
      server.ctx.jobs,
      web,
      Array.from({ length: 150 }, (_, i) => ({
        externalId: `${tag}-${i}`,
        author: { externalId: `${tag}-${i}@example.org` },
        text: `${tag} message ${i}`,
        sentAt: new Date(),
      })),
    );
    if (await autovacuumRuns(server.ctx.db, server.ctx.dbKind)) {
      // PostgreSQL's autovacuum does this work: the platform asks for nothing.
      assert.equal(server.ctx.jobs.handles(STATISTICS_JOB), false);
      assert.equal((await queued()).length, 0);
      return;
    }
    // PGlite, or a PostgreSQL server with autovacuum turned off: the platform does autovacuum's work.
    assert.equal(server.ctx.jobs.handles(STATISTICS_JOB), true);
    const soon = await queued();
    assert.equal(soon.length, 1, 'one refresh is asked for, a few seconds out');
    // a second batch in the same burst asks for nothing more
    await ingestMessages(
      server.ctx.db,
      server.ctx.jobs,
      web,
      Array.from({ length: 120 }, (_, i) => ({
        externalId: `${tag}-again-${i}`,
        author: { externalId: `${tag}-${i}@example.org` },
        text: `${tag} again ${i}`,
        sentAt: new Date(),
      })),
    );
    assert.equal((await queued()).length, 1);

    const estimate = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select reltuples::float8 as n from pg_class where relname = 'inbox_conversation'`.execute(server.ctx.db)
        ).rows[0]?.n,
      );
    const actual = (
      await server.ctx.db
        .selectFrom('inbox_conversation')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    assert.notEqual(await estimate(), actual, 'the planner does not know the new rows yet');
    await sql`update core_job set run_at = now() where kind = 'platform.statistics.soon' and status = 'queued'`.execute(
      server.ctx.db,
    );
    await server.ctx.jobs.runDue();
    assert.equal(await estimate(), actual, 'after the refresh the planner counts every conversation');
    assert.equal((await queued()).length, 0);
  });
});
