import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import type { ChannelRecord, IncomingMessage } from '../../src/modules/inbox/channels/channel.ts';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import { detectJumps, raiseAlerts } from '../../src/modules/inbox/listening/alerts.ts';
import { applyRetention } from '../../src/modules/inbox/listening/privacy.ts';
import { analyseNewMessages } from '../../src/modules/inbox/analyse.ts';
import { termsOf, topTerms } from '../../src/modules/inbox/listening/terms.ts';
import type { TestClient } from '../support/client.ts';
import { signedInClient, firstOrganisationId } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let channel: ChannelRecord;
let organisationId: number;
let districtId: number;
let staff: TestClient;
let admin: TestClient;
let sequence = 0;

const HOUR = 3_600_000;

/** Stores incoming messages as a channel would, then labels them as the analysis would. */
async function receive(
  count: number,
  options: {
    hoursAgo: number;
    sentiment?: 'negative' | 'neutral' | 'positive';
    topic?: string;
    district?: number | null;
    text?: string;
    author?: string;
  },
): Promise<number[]> {
  const messages: IncomingMessage[] = Array.from({ length: count }, () => {
    sequence += 1;
    return {
      externalId: `msg-${sequence}`,
      author: { externalId: options.author ?? `person-${sequence}`, name: options.author ?? `Person ${sequence}` },
      text: options.text ?? `Overflowing bins near the market, message ${sequence}`,
      sentAt: new Date(Date.now() - options.hoursAgo * HOUR),
    };
  });
  await ingestMessages(server.ctx.db, server.ctx.jobs, channel, messages);
  const rows = await server.ctx.db
    .selectFrom('inbox_message')
    .select('id')
    .where(
      'external_id',
      'in',
      messages.map((m) => m.externalId),
    )
    .execute();
  const ids = rows.map((row) => row.id);
  await server.ctx.db
    .updateTable('inbox_message')
    .set({
      sentiment: options.sentiment ?? 'neutral',
      topic: options.topic ?? 'waste',
      district_id: options.district === undefined ? districtId : options.district,
      language: 'en',
      analysed_at: new Date(),
    })
    .where('id', 'in', ids)
    .execute();
  return ids;
}

describe('listening', () => {
  before(async () => {
    server = await startTestServer({ demo: true });
    organisationId = await firstOrganisationId(server);
    districtId = (
      await server.ctx.db
        .selectFrom('places_district')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('kind', '=', 'district')
        .orderBy('id')
        .executeTakeFirstOrThrow()
    ).id;
    const id = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'webhook',
      name: 'Listening test source',
      settings: {},
      secrets: {},
    });
    channel = await loadChannel(server, organisationId, id);
    staff = (await signedInClient(server, { role: 'staff' })).client;
    admin = (await signedInClient(server, { role: 'admin' })).client;
  });
  after(async () => server.close());

  test('analyses new messages: language, sentiment, topic and the district of a street named in the text', async () => {
    const harbour = await server.ctx.db
      .selectFrom('places_district')
      .select('id')
      .where('code', '=', 'harbour')
      .executeTakeFirstOrThrow();
    await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      {
        externalId: 'analyse-1',
        author: { externalId: 'a-1' },
        text: 'The bins on Via del Porto have not been emptied for a week, it stinks. Terrible!',
        sentAt: new Date(),
      },
      {
        externalId: 'analyse-2',
        author: { externalId: 'a-2' },
        text: 'Grazie mille per il nuovo parco giochi, bellissimo!',
        sentAt: new Date(),
      },
    ]);
    assert.ok((await analyseNewMessages(server.ctx, organisationId)) >= 2);
    const rows = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['external_id', 'language', 'sentiment', 'topic', 'district_id', 'analysed_at'])
      .where('external_id', 'in', ['analyse-1', 'analyse-2'])
      .orderBy('external_id')
      .execute();
    assert.deepEqual(
      rows.map((row) => [row.language, row.sentiment, row.topic]),
      [
        ['en', 'negative', 'waste'],
        ['it', 'positive', 'green-spaces'],
      ],
    );
    assert.equal(rows[0]?.district_id, harbour.id);
    assert.ok(rows.every((row) => row.analysed_at));
    assert.equal(await analyseNewMessages(server.ctx, organisationId), 0, 'nothing is analysed twice');
    const routed = await server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .innerJoin('core_department as d', 'd.id', 'c.department_id')
      .select('d.slug')
      .where('m.external_id', '=', 'analyse-1')
      .executeTakeFirst();
    assert.equal(routed?.slug, 'waste', 'a new conversation goes to the department in charge of its topic');
  });

  test('finds the words that name a topic, in any language, without stop words or links', () => {
    assert.deepEqual(termsOf('The bins at https://x.example are overflowing again @city #waste'), [
      'bins',
      'overflowing',
      '#waste',
    ]);
    assert.deepEqual(termsOf('Die Mülltonnen sind wieder nicht geleert'), ['mülltonnen', 'geleert']);
    const top = topTerms(['broken lamp', 'broken lamp here', 'broken bench'], ['bench fine', 'bench ok']);
    assert.deepEqual(
      top.map((term) => [term.term, term.count, term.change]),
      [
        ['broken', 3, null],
        ['lamp', 2, null],
      ],
    );
  });

  test('raises an alert for a jump in volume or negativity once, and not for the usual flow', async () => {
    assert.deepEqual(
      detectJumps([{ districtId: 1, topic: null, recent: 4, recentNegative: 4, baseline: 0, baselineNegative: 0 }]),
      [],
      'small counts never alert',
    );
    assert.deepEqual(
      detectJumps([{ districtId: 1, topic: null, recent: 14, recentNegative: 2, baseline: 140, baselineNegative: 20 }]),
      [],
      'the usual daily flow does not alert',
    );
    const jumps = detectJumps([
      { districtId: 1, topic: null, recent: 30, recentNegative: 25, baseline: 140, baselineNegative: 20 },
    ]);
    assert.deepEqual(
      jumps.map((jump) => jump.kind),
      ['volume', 'negative'],
    );

    // Two weeks of a quiet, mostly neutral flow, then a surge of negative messages today.
    for (let day = 1; day <= 14; day += 1)
      await receive(1, { hoursAgo: 24 * day + 2, sentiment: 'neutral', topic: 'lighting' });
    await receive(12, { hoursAgo: 2, sentiment: 'negative', topic: 'lighting' });
    assert.ok((await raiseAlerts(server.ctx)) >= 2);
    assert.equal(await raiseAlerts(server.ctx), 0, 'a second run raises nothing new');
    const alerts = await server.ctx.db
      .selectFrom('inbox_alert')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .execute();
    assert.ok(alerts.some((alert) => alert.kind === 'volume' && alert.topic === 'lighting'));
    assert.ok(alerts.some((alert) => alert.kind === 'negative' && alert.district_id === districtId));

    const page = await staff.page('/staff/inbox/listening');
    assert.equal(page.response.status, 200);
    assert.match(page.html, /Many more messages than usual/);
    const [alert] = alerts;
    assert.ok(alert);
    const seen = await staff.postForm(`/staff/inbox/alerts/${alert.id}/acknowledge`, { _csrf: page.csrf });
    assert.equal(seen.status, 303);
    const again = await staff.postForm(`/staff/inbox/alerts/${alert.id}/acknowledge`, { _csrf: page.csrf });
    assert.equal(again.status, 404);
  });

  test('shows volume and sentiment per day, district and topic, with the same figures as CSV', async () => {
    await receive(3, {
      hoursAgo: 30,
      sentiment: 'positive',
      topic: 'green',
      text: 'Thank you for the new trees in the park',
    });
    const page = await staff.page(`/staff/inbox/listening?days=7&topic=green`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /<p class="listening-figure">3<\/p>/);
    assert.match(page.html, /trees/);
    const csv = await staff.get('/staff/inbox/listening.csv?days=7&topic=green');
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines.length, 8);
    const total = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[1]), 0);
    const positive = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[4]), 0);
    assert.deepEqual([total, positive], [3, 3]);
    const resident = (await signedInClient(server)).client;
    assert.equal((await resident.get('/staff/inbox/listening')).status, 403);
  });

  test('keeps a code book, codes messages, and counts codes and their co-occurrence', async () => {
    const [first, second, third] = await receive(3, {
      hoursAgo: 5,
      text: 'Dark street and broken lamp, I feel unsafe',
    });
    const book = await staff.page('/staff/inbox/codes');
    for (const name of ['Feeling unsafe', 'Dark streets', 'Dark streets'])
      await staff.postForm('/staff/inbox/codes', { _csrf: book.csrf, name, description: '', parentId: '' });
    const duplicate = await staff.postForm('/staff/inbox/codes', {
      _csrf: book.csrf,
      name: 'dark STREETS',
      description: '',
      parentId: '',
    });
    assert.equal(duplicate.status, 400);
    const codes = await server.ctx.db
      .selectFrom('inbox_code')
      .select(['id', 'name'])
      .where('organisation_id', '=', organisationId)
      .where('name', 'in', ['Feeling unsafe', 'Dark streets', 'dark STREETS'])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      codes.map((code) => code.name),
      ['Feeling unsafe', 'Dark streets'],
    );
    const [safety, lighting] = codes.map((code) => String(code.id));
    assert.ok(
      safety !== undefined &&
        lighting !== undefined &&
        first !== undefined &&
        second !== undefined &&
        third !== undefined,
    );
    for (const [message, chosen] of [
      [first, [safety, lighting]],
      [second, [safety, lighting]],
      [third, [safety]],
    ] as const) {
      const response = await staff.request('POST', `/staff/inbox/messages/${message}/codes`, {
        body: new URLSearchParams([
          ['_csrf', book.csrf],
          ['back', '//evil.example/'],
          ...chosen.map((id): [string, string] => ['code', id]),
        ]).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/staff/inbox/codes', 'no open redirect');
    }
    const { conversation_id: conversationId } = await server.ctx.db
      .selectFrom('inbox_message')
      .select('conversation_id')
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    const thread = (await staff.page(`/staff/inbox/${conversationId}`)).html;
    assert.match(
      thread,
      new RegExp(`action="/staff/inbox/messages/${first}/codes"`),
      'the conversation view codes each message',
    );
    assert.match(thread, new RegExp(`id="code-${first}-${safety}" name="code" value="${safety}" checked`));
    const csv = await (await staff.get('/staff/inbox/codes.csv?days=30')).text();
    assert.match(csv, /^Feeling unsafe,,3\r$/m);
    assert.match(csv, /^Feeling unsafe,Dark streets,2\r$|^Dark streets,Feeling unsafe,2\r$/m);
    await staff.postForm(`/staff/inbox/codes/${lighting}/archive`, { _csrf: book.csrf });
    const refused = await staff.request('POST', `/staff/inbox/messages/${third}/codes`, {
      body: new URLSearchParams([
        ['_csrf', book.csrf],
        ['code', safety],
        ['code', lighting],
      ]).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(refused.status, 404, 'an archived code is no longer applied');
    const kept = await server.ctx.db
      .selectFrom('inbox_message_code')
      .select('code_id')
      .where('message_id', '=', third)
      .execute();
    assert.deepEqual(
      kept.map((row) => row.code_id),
      [Number(safety)],
    );
  });

  test('exports and erases one person on request, keeping the figures', async () => {
    await receive(2, {
      hoursAgo: 3,
      author: 'marta.requester',
      text: 'My neighbour Marta Requester at Elm Street 4 complains',
      sentiment: 'negative',
      topic: 'noise',
    });
    assert.equal(
      (await staff.get('/staff/inbox/people?q=marta')).status,
      403,
      'staff without the administrator role cannot',
    );
    const found = await admin.page('/staff/inbox/people?q=marta.req');
    assert.match(found.html, /marta\.requester/);
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .select('id')
      .where('external_id', '=', 'marta.requester')
      .executeTakeFirstOrThrow();
    const exported = (await (await admin.get(`/staff/inbox/people/${author.id}/export.json`)).json()) as {
      messages: unknown[];
    };
    assert.equal(exported.messages.length, 2);
    const unconfirmed = await admin.postForm(`/staff/inbox/people/${author.id}/erase`, { _csrf: found.csrf });
    assert.equal(unconfirmed.status, 400);
    const erased = await admin.postForm(`/staff/inbox/people/${author.id}/erase`, {
      _csrf: found.csrf,
      confirm: 'yes',
    });
    assert.equal(erased.status, 303);
    assert.equal(
      await server.ctx.db.selectFrom('inbox_author').select('id').where('id', '=', author.id).executeTakeFirst(),
      undefined,
    );
    const leftovers = await sql<{
      n: number;
    }>`select count(*)::int as n from inbox_message where body like '%Marta%'`.execute(server.ctx.db);
    assert.equal(leftovers.rows[0]?.n, 0);
    const noise = await sql<{
      n: number;
    }>`select count(*)::int as n from inbox_message where topic = 'noise' and sentiment = 'negative' and erased_at is not null`.execute(
      server.ctx.db,
    );
    assert.equal(noise.rows[0]?.n, 2, 'the erased messages still count on the dashboard');
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('action', '=', 'inbox.author.erase')
      .execute();
    assert.equal(audit.length, 1);
  });

  test('erases conversations quiet for longer than the retention period, and keeps recent ones', async () => {
    const settings = await admin.page('/admin/inbox/settings');
    assert.equal(
      (
        await admin.postForm('/admin/inbox/settings', {
          _csrf: settings.csrf,
          retentionDays: '3',
          firstResponseGoalHours: '24',
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await admin.postForm('/admin/inbox/settings', {
          _csrf: settings.csrf,
          retentionDays: '10',
          firstResponseGoalHours: '24',
        })
      ).status,
      303,
    );
    const [old] = await receive(1, { hoursAgo: 24 * 12, text: 'Old complaint by Ada Oldtimer' });
    const [recent] = await receive(1, { hoursAgo: 24 * 2, text: 'Recent complaint by Bo Newcomer' });
    await applyRetention(server.ctx);
    assert.ok(old !== undefined && recent !== undefined);
    const [erased, kept] = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['id', 'body', 'erased_at', 'author_id'])
      .where('id', 'in', [old, recent])
      .orderBy('id')
      .execute();
    assert.ok(erased && kept);
    assert.deepEqual([erased.body, erased.erased_at !== null, erased.author_id], ['', true, null]);
    assert.equal(kept.body, 'Recent complaint by Bo Newcomer');
  });

  test('lets administrators keep the city’s topics with keywords per language', async () => {
    const form = await admin.page('/admin/inbox/topics/new');
    assert.equal(form.response.status, 200);
    const created = await admin.postForm('/admin/inbox/topics/new', {
      _csrf: form.csrf,
      key: 'snow',
      name_en: 'Snow clearing',
      keywords_en: 'snow, Ice, snow, gritting',
    });
    assert.equal(created.status, 303);
    const topic = await server.ctx.db
      .selectFrom('inbox_topic')
      .selectAll()
      .where('key', '=', 'snow')
      .executeTakeFirstOrThrow();
    const keywords =
      typeof topic.keywords === 'string' ? (JSON.parse(topic.keywords) as Record<string, string[]>) : topic.keywords;
    assert.deepEqual(keywords.en, ['snow', 'ice', 'gritting']);
    const invalid = await admin.postForm('/admin/inbox/topics/new', { _csrf: form.csrf, key: 'Bad Key', name_en: 'x' });
    assert.equal(invalid.status, 400);
  });
});
