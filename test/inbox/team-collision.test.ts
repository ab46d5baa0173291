import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { answersOf, residentWrites, signInAs } from '../support/team-inbox.ts';

let server: TestServer;
let roads: TestClient;
let admin: TestClient;

before(async () => {
  server = await startTestServer({ demo: true });
  roads = await signInAs(server, 'roads@valmora.example');
  admin = await signInAs(server, 'admin@valmora.example');
});
after(async () => server.close());

/** The answer form of a conversation's page: its token and the last message it saw. */
async function answerForm(client: TestClient, conversationId: number): Promise<{ csrf: string; seen: string }> {
  const page = await client.page(`/staff/inbox/${conversationId}`);
  const seen = /<input type="hidden" name="seen" value="(\d+)">/.exec(page.html)?.[1];
  assert.ok(seen, 'the answer form carries the last message seen');
  return { csrf: page.csrf, seen };
}

describe('answering a conversation two officers have open', () => {
  test('two answers sent at the same moment: exactly one goes out, the other asks for confirmation', async () => {
    const { conversationId, messageId } = await residentWrites(server, `twice${Date.now()}`, 'Is the pool open?');
    const [one, two] = await Promise.all([answerForm(roads, conversationId), answerForm(admin, conversationId)]);
    assert.equal(one.seen, String(messageId));
    assert.equal(two.seen, String(messageId));
    const [a, b] = await Promise.all([
      roads.postForm(`/staff/inbox/${conversationId}/answer`, { _csrf: one.csrf, seen: one.seen, text: 'Yes, 9–18.' }),
      admin.postForm(`/staff/inbox/${conversationId}/answer`, { _csrf: two.csrf, seen: two.seen, text: 'Open today.' }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [303, 409], 'one answer is queued, the other refused');
    const answers = await answersOf(server, conversationId);
    assert.equal(answers.length, 1, 'exactly one answer is stored and queued');
    const refused = a.status === 409 ? a : b;
    const refusedText = a.status === 409 ? 'Yes, 9–18.' : 'Open today.';
    const html = await refused.text();
    // the page shows what arrived, keeps the words typed and asks to send anyway
    assert.match(html, /data-collision="1"/);
    assert.ok(html.includes(`data-arrived="`), 'the arrived answer is listed');
    assert.ok(html.includes(answers[0] as string), 'with its text');
    assert.ok(html.includes(`>${refusedText}</textarea>`), 'the refused answer is kept in the box');
    assert.match(html, />Send anyway</);
    const newSeen = /<input type="hidden" name="seen" value="(\d+)">/.exec(html)?.[1];
    assert.ok(newSeen && Number(newSeen) > messageId, 'the form now carries the answer that arrived');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const client = a.status === 409 ? roads : admin;
    const confirmed = await client.postForm(`/staff/inbox/${conversationId}/answer`, {
      _csrf: csrf,
      seen: newSeen,
      text: refusedText,
    });
    assert.equal(confirmed.status, 303, 'sending anyway goes out');
    assert.equal((await answersOf(server, conversationId)).length, 2);
  });

  test('a resident message that arrived since the page was opened stops the answer until confirmed', async () => {
    const thread = `later${Date.now()}`;
    const { conversationId } = await residentWrites(server, thread, 'The lamp on Via Roma is out.');
    const form = await answerForm(roads, conversationId);
    const { messageId: later } = await residentWrites(server, thread, 'Never mind, it works again.');
    const refused = await roads.postForm(`/staff/inbox/${conversationId}/answer`, {
      _csrf: form.csrf,
      seen: form.seen,
      text: 'We send someone.',
    });
    assert.equal(refused.status, 409);
    const html = await refused.text();
    assert.ok(html.includes(`data-arrived="${later}"`));
    assert.match(html, /New message from the resident/);
    assert.deepEqual(await answersOf(server, conversationId), [], 'nothing went out');
    // sent again from an up-to-date page, it goes out
    const fresh = await answerForm(roads, conversationId);
    assert.equal(fresh.seen, String(later));
    const sent = await roads.postForm(`/staff/inbox/${conversationId}/answer`, {
      _csrf: fresh.csrf,
      seen: fresh.seen,
      text: 'Glad to hear it.',
    });
    assert.equal(sent.status, 303);
    assert.deepEqual(await answersOf(server, conversationId), ['Glad to hear it.']);
  });

  test('ten concurrent answers from one page: one goes out', async () => {
    const { conversationId } = await residentWrites(server, `many${Date.now()}`, 'Bus 4 is late every day.');
    const form = await answerForm(roads, conversationId);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        roads.postForm(`/staff/inbox/${conversationId}/answer`, {
          _csrf: form.csrf,
          seen: form.seen,
          text: `Reply ${i}`,
        }),
      ),
    );
    assert.equal(responses.filter((r) => r.status === 303).length, 1);
    assert.equal(responses.filter((r) => r.status === 409).length, 9);
    assert.equal((await answersOf(server, conversationId)).length, 1);
  });
});
