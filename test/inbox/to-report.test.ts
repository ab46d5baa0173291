import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import type { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let staff: TestClient;

describe('turning a message into a report of a category with its own questions', () => {
  before(async () => {
    server = await startTestServer({ demo: true });
    staff = (await signedInClient(server, { role: 'staff' })).client;
  });
  after(async () => server.close());

  test('asks the category’s required question, refuses without an answer and stores it with one', async () => {
    const organisationId = await firstOrganisationId(server);
    const channel = await loadChannel(
      server,
      organisationId,
      await insertChannel(server.ctx.db, server.config.secretKey, {
        organisationId,
        kind: 'webhook',
        name: 'Questions test',
        settings: {},
        secrets: {},
      }),
    );
    const { conversationIds } = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      {
        externalId: 'pothole-1',
        author: { externalId: 'p-1', name: 'Pia' },
        text: 'Deep pothole in Via Nuova, in the bike lane.',
        sentAt: new Date(),
        location: { lat: 44.4, lng: 8.9 },
      },
    ]);
    const [conversationId] = conversationIds;
    assert.ok(conversationId !== undefined);
    const message = await server.ctx.db
      .selectFrom('inbox_message')
      .select('id')
      .where('external_id', '=', 'pothole-1')
      .executeTakeFirstOrThrow();
    const organisation = await server.organisations.findById(organisationId);
    assert.ok(organisation);
    const page = await staff.page(`/staff/inbox/${conversationId}/report?message=${message.id}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /data-questions="pothole"/, 'the questions of each category are on the form');
    const fields = {
      _csrf: page.csrf,
      message: String(message.id),
      category: 'pothole',
      lat: String(organisation.map.lat),
      lng: String(organisation.map.lng),
      address: '',
      description: 'Deep pothole in Via Nuova, in the bike lane.',
    };
    assert.match(
      page.html,
      /name="step" value="questions"/,
      'without JavaScript a button asks for the chosen category’s questions',
    );
    assert.match(
      page.html,
      /data-questions="pothole" hidden disabled/,
      'no category chosen yet: its questions are hidden',
    );
    const shown = await staff.postForm(`/staff/inbox/${conversationId}/report`, { ...fields, step: 'questions' });
    assert.equal(shown.status, 200);
    const shownHtml = await shown.text();
    assert.match(shownHtml, /data-questions="pothole">/, 'the chosen category’s questions are shown');
    assert.match(shownHtml, /data-questions="[a-z_]+" hidden disabled/, 'the other categories’ stay hidden');
    assert.doesNotMatch(shownHtml, /REPORT_MISSING_ANSWER/, 'asking for the questions is not a submission');
    assert.match(shownHtml, /Deep pothole in Via Nuova/, 'what was typed is kept');
    assert.equal(
      (
        await server.ctx.db
          .selectFrom('inbox_conversation')
          .select('report_id')
          .where('id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).report_id,
      null,
    );
    const unanswered = await staff.postForm(`/staff/inbox/${conversationId}/report`, fields);
    assert.equal(unanswered.status, 400);
    assert.match(await unanswered.text(), /REPORT_MISSING_ANSWER/);
    assert.equal(
      (
        await server.ctx.db
          .selectFrom('inbox_conversation')
          .select('report_id')
          .where('id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).report_id,
      null,
      'nothing stored',
    );
    const answered = await staff.postForm(`/staff/inbox/${conversationId}/report`, {
      ...fields,
      'answer.pothole.location_type': 'bike_lane',
    });
    assert.equal(answered.status, 303);
    const linked = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('report_id')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    assert.ok(linked.report_id !== null);
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .select('answers')
      .where('id', '=', linked.report_id)
      .executeTakeFirstOrThrow();
    const answers =
      typeof report.answers === 'string'
        ? (JSON.parse(report.answers) as Record<string, unknown>)
        : (report.answers as Record<string, unknown>);
    assert.equal(answers.location_type, 'bike_lane');
  });
});
