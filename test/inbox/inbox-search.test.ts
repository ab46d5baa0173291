import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  countByStatus,
  findConversations,
  findSearchMatches,
  STATUS_COUNT_CAP,
} from '../../src/modules/inbox/conversations.repository.ts';
import { TestClient } from '../support/client.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * Searching the staff inbox (issue 14): a text found in more conversations of a status than a count
 * reads is listed by walking the newest-first order and asking each conversation, a rarer one from the
 * ids the search index gives. Both ways must list the same conversations, and each status's count must
 * be exact up to the cap and "1,000+" above it: a message, the subject or the author holding the text in
 * any letter case, each conversation once, `%` and `_` taken literally.
 */

let server: TestServer;
let organisationId: number;
let admin: TestClient;
let channelId: number;
const word = `zorblax${Date.now()}`;
/**
 * Conversations loaded: enough for the word to be found in more than STATUS_COUNT_CAP conversations of
 * one status ("new": every conversation g with g % 4 = 0 holds it) and in fewer of the others.
 */
const LOADED = 5200;

before(async () => {
  server = await startTestServer({ demo: true });
  organisationId = await firstOrganisationId(server);
  admin = new TestClient(server.url);
  const signedIn = await admin.submit('/sign-in', '/sign-in', {
    email: 'admin@valmora.example',
    password: 'demo-password-123',
  });
  assert.equal(signedIn.status, 303);
  channelId = (
    await server.ctx.db.selectFrom('inbox_channel').select('id').where('kind', '=', 'web').executeTakeFirstOrThrow()
  ).id;
  await load();
});

after(async () => {
  await server.close();
});

/**
 * Conversation g: its first message holds the word when g % 3 = 0 or g % 4 = 0 (in capitals, inside a
 * longer word; so every "new" one, 1,300, and two in three of the others, ~870 each),
 * else its subject when g % 6 = 1, else its author's name when g % 6 = 4; every fifth has a second
 * message holding the word too. Two conversations share each last-activity time, so ties are broken by
 * id. A few messages speak of "100%" and others of "1000", for the literal percent sign. Older done
 * conversations hold nothing.
 */
async function load(): Promise<void> {
  const db = server.ctx.db;
  await sql`insert into inbox_author (organisation_id, channel_kind, external_id, display_name, handle)
    select ${organisationId}, 'web', ${word} || '-' || g,
           case when g % 6 = 4 then 'Fan of ' || ${word} || ' ' || g else 'Resident ' || g end, null
      from generate_series(1, ${LOADED}::int) g`.execute(db);
  await sql`insert into inbox_conversation (organisation_id, channel_id, thread_key, author_id, subject, status,
      message_count, first_message_at, last_message_at, last_incoming_at)
    select ${organisationId}, ${channelId}, ${word} || '-' || g, a.id,
           case when g % 6 = 1 then 'About the ' || ${word} || ' ' || g else 'Message ' || g end,
           (array['new','open','waiting','done'])[1 + (g % 4)], 1 + (g % 5 = 0)::int, t.at, t.at, t.at
      from generate_series(1, ${LOADED}::int) g
      join inbox_author a on a.organisation_id = ${organisationId} and a.external_id = ${word} || '-' || g
      cross join lateral (select now() - (g / 2) * interval '1 minute' as at) t`.execute(db);
  await sql`insert into inbox_message (organisation_id, conversation_id, channel_id, direction, external_id, author_id,
      body, sent_at)
    select ${organisationId}, c.id, c.channel_id, 'in', c.thread_key, c.author_id,
           case when g % 3 = 0 or g % 4 = 0 then 'The ' || upper(${word}) || 'S are broken again #' || g
                when g % 7 = 0 then 'It costs 100% more than last year'
                else 'It costs 1000 euros, message ' || g end,
           c.first_message_at
      from generate_series(1, ${LOADED}::int) g
      join inbox_conversation c on c.organisation_id = ${organisationId} and c.thread_key = ${word} || '-' || g`.execute(
    db,
  );
  await sql`insert into inbox_message (organisation_id, conversation_id, channel_id, direction, external_id, author_id,
      body, sent_at)
    select ${organisationId}, c.id, c.channel_id, 'in', c.thread_key || '-2', c.author_id,
           'Still the same ' || ${word} || ' problem', c.last_message_at
      from generate_series(1, ${LOADED}::int) g
      join inbox_conversation c on c.organisation_id = ${organisationId} and c.thread_key = ${word} || '-' || g
     where g % 5 = 0`.execute(db);
  await sql`insert into inbox_conversation (organisation_id, channel_id, thread_key, subject, status, message_count,
      first_message_at, last_message_at)
    select ${organisationId}, ${channelId}, ${word} || '-filler-' || g, 'Filler ' || g, 'done', 0,
           now() - interval '30 days' - g * interval '1 minute', now() - interval '30 days' - g * interval '1 minute'
      from generate_series(1, 4100) g`.execute(db);
  await sql`update inbox_conversation c set first_incoming_id = m.id
      from inbox_message m
     where c.organisation_id = ${organisationId} and c.thread_key like ${`${word}-%`}
       and m.conversation_id = c.id and m.external_id = c.thread_key`.execute(db);
}

/** What a search must find, by its definition: every conversation one of whose texts holds `text`, in list order. */
async function expected(text: string, status?: string): Promise<Array<{ id: number; status: string }>> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await sql<{ id: number; status: string }>`
    select c.id, c.status from inbox_conversation c
      left join inbox_author a on a.id = c.author_id
     where c.organisation_id = ${organisationId}
       and (${status ?? null}::text is null or c.status = ${status ?? null})
       and (exists (select 1 from inbox_message m where m.conversation_id = c.id and m.body ilike ${pattern})
            or c.subject ilike ${pattern}
            or coalesce(a.display_name, '') || ' ' || coalesce(a.email, '') || ' ' || coalesce(a.handle, '') ilike ${pattern})
     order by c.last_message_at desc, c.id desc`.execute(server.ctx.db);
  return rows;
}

/** The conversations a list page shows, in order, and the address of the next page. */
function listed(html: string): { ids: number[]; next: string | undefined } {
  const ids = [...html.matchAll(/<td><a href="\/staff\/inbox\/(\d+)">/g)].map((match) => Number(match[1]));
  const next = /<a href="(\/staff\/inbox\?[^"]*)" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  return { ids, next };
}

function countShown(html: string, status: string): string | undefined {
  return new RegExp(`data-count="${status}">([^<]*)<`).exec(html)?.[1];
}

describe('searching the staff inbox', () => {
  test('a word found in more conversations than a search collects: pages and counts as defined', async () => {
    const truth = await expected(word);
    const perStatus = (status: string) => truth.filter((row) => row.status === status).length;
    assert.ok(perStatus('new') > STATUS_COUNT_CAP, `${perStatus('new')} new conversations hold the word`);
    for (const status of ['open', 'waiting', 'done'])
      assert.ok(perStatus(status) > 500 && perStatus(status) < STATUS_COUNT_CAP, `${status}: ${perStatus(status)}`);

    // three pages, each the next 50 conversations in the list's order, whatever the letter case
    let address: string | undefined = `/staff/inbox?q=${word.toUpperCase()}`;
    for (let page = 0; page < 3; page++) {
      assert.ok(address, `page ${page + 1} has an address`);
      const { html } = await admin.page(address);
      const shown = listed(html);
      assert.deepEqual(
        shown.ids,
        truth.slice(page * 50, page * 50 + 50).map((row) => row.id),
        `page ${page + 1}`,
      );
      address = shown.next;
      if (page === 0)
        for (const status of ['new', 'open', 'waiting', 'done']) {
          const n = truth.filter((row) => row.status === status).length;
          assert.equal(
            countShown(html, status),
            n > STATUS_COUNT_CAP ? '1,000+' : n.toLocaleString('en'),
            `the count of ${status}`,
          );
        }
    }

    // with a status beside the text: the list from the ids found (open: under the cap), or walked (new)
    for (const status of ['open', 'new']) {
      const some = await expected(word, status);
      const { html } = await admin.page(`/staff/inbox?q=${word}&status=${status}`);
      assert.deepEqual(
        listed(html).ids,
        some.slice(0, 50).map((row) => row.id),
        status,
      );
    }

    // with another filter: the counts of the conversations it keeps
    const { html } = await admin.page(`/staff/inbox?q=${word}&delivery=failed`);
    for (const status of ['new', 'open', 'waiting', 'done']) assert.equal(countShown(html, status), '0', status);
    await sql`update inbox_conversation set delivery_failed_at = now()
       where organisation_id = ${organisationId} and thread_key like ${`${word}-%`} and status <> 'open'`.execute(
      server.ctx.db,
    );
    const failed = await admin.page(`/staff/inbox?q=${word}&delivery=failed`);
    for (const status of ['new', 'open', 'waiting', 'done']) {
      const n = status === 'open' ? 0 : perStatus(status);
      assert.equal(
        countShown(failed.html, status),
        n > STATUS_COUNT_CAP ? '1,000+' : n.toLocaleString('en'),
        `failed deliveries: ${status}`,
      );
    }
    await sql`update inbox_conversation set delivery_failed_at = null
       where organisation_id = ${organisationId} and thread_key like ${`${word}-%`}`.execute(server.ctx.db);
  });

  test('collected ids and the walk along the list find the same conversations', async () => {
    const db = server.ctx.db;
    // rare texts: in one author's name, one subject, one message (and its repeat), and "100%" (not "1000")
    for (const text of [`fan of ${word} 4`, `the ${word} 7`, '#33', '100%', `${word} 1_`, 'nothing-like-this']) {
      const truth = await expected(text);
      const found = await findSearchMatches(db, organisationId, { text });
      const collected = await findConversations(db, organisationId, { text }, undefined, 51, found);
      const walked = await findConversations(db, organisationId, { text }, undefined, 51, found, { walk: true });
      const want = truth.slice(0, 51).map((row) => row.id);
      assert.deepEqual(
        collected.map((row) => row.id),
        want,
        `collected: ${text}`,
      );
      assert.deepEqual(
        walked.map((row) => row.id),
        want,
        `walked: ${text}`,
      );
      const counts = await countByStatus(db, organisationId, { text }, found);
      for (const status of ['new', 'open', 'waiting', 'done'] as const)
        assert.equal(
          counts.counts[status],
          Math.min(truth.filter((row) => row.status === status).length, STATUS_COUNT_CAP),
          `${text}: ${status}`,
        );
    }
    assert.equal((await expected('100%')).length > 0, true);
    const nothing = await findSearchMatches(db, organisationId, { text: 'nothing-like-this' });
    assert.deepEqual(Object.values(nothing.byStatus).flat(), []);
  });

  test('what a search reads follows the messages, subject and author whatever writes them', async () => {
    const db = server.ctx.db;
    const one = await db
      .selectFrom('inbox_conversation')
      .select(['id', 'author_id'])
      .where('thread_key', '=', `${word}-5`)
      .executeTakeFirstOrThrow();
    const finds = async (text: string) =>
      (await findConversations(db, organisationId, { text }, undefined, 51)).map((row) => row.id).includes(one.id);
    const fresh = `qwyx${Date.now()}`;
    // a new message, its text changed (erased), then removed
    const [message] = await sql<{ id: number }>`
      insert into inbox_message (organisation_id, conversation_id, channel_id, direction, external_id, body, sent_at)
      values (${organisationId}, ${one.id}, ${channelId}, 'in', ${fresh}, ${`More about ${fresh}-a`}, now()) returning id`
      .execute(db)
      .then((result) => result.rows);
    assert.equal(await finds(`${fresh}-a`), true, 'a new message');
    await sql`update inbox_message set body = ${`Erased ${fresh}-b`} where id = ${message?.id ?? 0}`.execute(db);
    assert.equal(await finds(`${fresh}-a`), false, 'the old text of a changed message');
    assert.equal(await finds(`${fresh}-b`), true, 'the new text of a changed message');
    await sql`delete from inbox_message where id = ${message?.id ?? 0}`.execute(db);
    assert.equal(await finds(`${fresh}-b`), false, 'a removed message');
    // the subject, the author's name, address and handle; the separator is no letter of a search
    await sql`update inbox_conversation set subject = ${`Subject ${fresh}-c`} where id = ${one.id}`.execute(db);
    assert.equal(await finds(`${fresh}-c`), true, 'a new subject');
    await sql`update inbox_author set display_name = ${`Name ${fresh}-d`}, email = ${`${fresh}@example.org`}
       where id = ${one.author_id}`.execute(db);
    assert.equal(await finds(`${fresh}-d ${fresh}@example`), true, 'a new name and address');
    assert.equal(await finds(`${fresh}-c\u001fName`), false, 'across two pieces');
    assert.equal(await finds(`Subject ${fresh}-c`), true);
  });
});
