import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tellProposalUpdates } from '../../src/modules/inbox/report-updates.ts';
import { findProcesses, phaseAllows, type Process } from '../../src/modules/participation/index.ts';
import { TestClient } from '../support/client.ts';
import { lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DEMO_PASSWORD = 'demo-password-123';

let server: TestServer;
let roads: TestClient;
let admin: TestClient;
let open: Process;
let closed: Process;
let sequence = 0;

async function signIn(email: string): Promise<TestClient> {
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
  assert.equal(response.status, 303, `${email} signs in`);
  return client;
}

/** A resident writes through the contact form; returns their address and the conversation and message ids. */
async function residentWrites(text: (tag: string) => string) {
  sequence++;
  const tag = `prop${sequence}x${Date.now()}`;
  const email = `resident.proposal.${tag}@example.org`;
  const response = await new TestClient(server.url).submit('/contact', '/contact', {
    name: `Resident ${tag}`,
    email,
    message: text(tag),
  });
  assert.equal(response.status, 303, 'the contact form takes the message');
  await server.ctx.jobs.runDue(); // analysis: the message's language
  const row = await server.ctx.db
    .selectFrom('inbox_message')
    .select(['id', 'conversation_id'])
    .where('body', 'like', `%${tag}%`)
    .executeTakeFirstOrThrow();
  return { tag, email, conversationId: row.conversation_id, messageId: row.id };
}

async function linkedProposal(conversationId: number): Promise<number | null> {
  return (
    await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('proposal_id')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow()
  ).proposal_id;
}

before(async () => {
  server = await startTestServer({ demo: true });
  const [city] = await server.organisations.findAll();
  assert.ok(city);
  const processes = await findProcesses(server.ctx.db, city.id);
  const openOne = processes.find((p) => phaseAllows(p, 'proposals', 'create'));
  const closedOne = processes.find((p) => !phaseAllows(p, 'proposals', 'create'));
  assert.ok(openOne && closedOne, 'the demo has a process open for proposals and one closed to them');
  [open, closed] = [openOne, closedOne];
  [roads, admin] = await Promise.all([signIn('roads@valmora.example'), signIn('admin@valmora.example')]);
});
after(() => server.close());

describe('turning a message into a proposal', () => {
  test('publishes it in the chosen process, links the conversation and tells the resident with its link', async () => {
    const { tag, email, conversationId, messageId } = await residentWrites(
      (tag) => `Covered bike racks at every school ${tag}\nPupils could then cycle to school safely all year round.`,
    );
    const thread = await roads.page(`/staff/inbox/${conversationId}`);
    assert.match(
      thread.html,
      new RegExp(`href="/staff/inbox/${conversationId}/proposal\\?message=${messageId}"`),
      'the conversation offers the proposal form',
    );
    const form = await roads.page(`/staff/inbox/${conversationId}/proposal?message=${messageId}`);
    assert.equal(form.response.status, 200);
    assert.match(
      form.html,
      new RegExp(`name="title" type="text" value="Covered bike racks at every school ${tag}"`),
      'the title is the first line',
    );
    const processChoices = /<select id="process"[^>]*>(.*?)<\/select>/s.exec(form.html)?.[1] ?? '';
    assert.match(processChoices, new RegExp(`<option value="${open.id}"`), 'the open process is offered');
    assert.doesNotMatch(
      processChoices,
      new RegExp(`<option value="${closed.id}"`),
      'a process closed to proposals is not offered',
    );

    const title = `Covered bike racks at every school ${tag}`;
    const response = await roads.submit(
      `/staff/inbox/${conversationId}/proposal?message=${messageId}`,
      `/staff/inbox/${conversationId}/proposal`,
      {
        message: String(messageId),
        process: String(open.id),
        title,
        body: `Pupils could then cycle to school safely all year round. ${tag}`,
        category: 'mobility',
        districtId: '',
        lat: '',
        lng: '',
      },
    );
    assert.equal(response.status, 303);
    const proposalId = await linkedProposal(conversationId);
    assert.ok(proposalId, 'the conversation is linked to the proposal');
    const proposal = await server.ctx.db
      .selectFrom('participation_proposal')
      .select(['process_id', 'title', 'body', 'category', 'author_id', 'status'])
      .where('id', '=', proposalId)
      .executeTakeFirstOrThrow();
    assert.equal(proposal.process_id, open.id);
    assert.equal(proposal.title, title);
    assert.equal(proposal.category, 'mobility');
    assert.equal(proposal.status, 'published');
    assert.match(
      proposal.body,
      new RegExp(`^Pupils could then cycle to school safely all year round\\. ${tag}\\n\\n`),
      'the resident’s text, then the origin line',
    );
    assert.ok(!proposal.body.includes(`Resident ${tag}`), 'the resident is not named unless staff tick it');
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('subject_type', '=', 'inbox_conversation')
      .where('subject_id', '=', String(conversationId))
      .where('action', '=', 'inbox.conversation.proposal')
      .execute();
    assert.equal(audit.length, 1, 'audited');

    await server.ctx.jobs.runDue();
    const told = await lastMailTo(server, email);
    assert.match(
      told?.text_body ?? '',
      new RegExp(`/proposals/${proposalId}\\b`),
      'the resident gets the proposal’s address by e-mail',
    );
    assert.match(told?.text_body ?? '', new RegExp(tag));
    const publicPage = await new TestClient(server.url).page(`/proposals/${proposalId}`);
    assert.equal(publicPage.response.status, 200, 'the proposal is public');

    const again = await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/proposal`, {
      message: String(messageId),
      process: String(open.id),
      title: 'Another one',
      body: 'Another proposal text here',
      category: 'mobility',
    });
    assert.equal(again.status, 409, 'a conversation becomes one proposal');
    assert.match(await again.text(), /INBOX_PROPOSAL_LINKED/);
  });

  test('refuses a process not open for proposals with a stable code and stores nothing', async () => {
    const { tag, conversationId, messageId } = await residentWrites((tag) => `A new skate park by the river ${tag}`);
    const before = (
      await server.ctx.db
        .selectFrom('participation_proposal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const response = await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/proposal`, {
      message: String(messageId),
      process: String(closed.id),
      title: `A new skate park ${tag}`,
      body: `A new skate park by the river ${tag}`,
      category: 'sport',
    });
    assert.equal(response.status, 409);
    assert.match(await response.text(), /data-code="PARTICIPATION_CLOSED"/);
    const after = (
      await server.ctx.db
        .selectFrom('participation_proposal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    assert.equal(after, before, 'no proposal stored');
    assert.equal(await linkedProposal(conversationId), null);
    const invalid = await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/proposal`, {
      message: String(messageId),
      process: String(open.id),
      title: 'ab',
      body: 'short',
      category: 'nonsense',
    });
    assert.equal(invalid.status, 400);
    const html = await invalid.text();
    assert.match(html, /id="title-error" data-code="PROPOSAL_INVALID"/);
    assert.match(html, /id="category-error" data-code="PROPOSAL_INVALID"/);
    assert.equal(await linkedProposal(conversationId), null);
  });

  test('is closed to a resident without a staff role', async () => {
    const { conversationId, messageId } = await residentWrites((tag) => `Benches in the park please ${tag}`);
    const { client } = await signedInClient(server);
    assert.equal((await client.get(`/staff/inbox/${conversationId}/proposal?message=${messageId}`)).status, 403);
    const response = await client.submit('/', `/staff/inbox/${conversationId}/proposal`, {
      message: String(messageId),
      process: String(open.id),
      title: 'Benches in the park',
      body: 'Benches in the park please, many of them',
      category: 'urbanism',
    });
    assert.equal(response.status, 403);
    assert.equal(await linkedProposal(conversationId), null);
  });

  test('tells the resident the city’s answer exactly once', async () => {
    const { tag, email, conversationId, messageId } = await residentWrites(
      (tag) => `Shade sails over the playground ${tag}`,
    );
    const response = await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/proposal`, {
      message: String(messageId),
      process: String(open.id),
      title: `Shade sails over the playground ${tag}`,
      body: `Shade sails over the playground, please ${tag}`,
      category: 'environment',
      showName: '1',
    });
    assert.equal(response.status, 303);
    const proposalId = await linkedProposal(conversationId);
    assert.ok(proposalId);
    const { body } = await server.ctx.db
      .selectFrom('participation_proposal')
      .select('body')
      .where('id', '=', proposalId)
      .executeTakeFirstOrThrow();
    assert.ok(body.includes(`Resident ${tag}`), 'named when staff tick it');
    await server.ctx.jobs.runDue();
    assert.equal(await tellProposalUpdates(server.ctx), 0, 'nothing to tell before the city answers');

    const answer = `The parks office will install them in spring ${tag}`;
    const answered = await admin.submit(`/proposals/${proposalId}`, `/proposals/${proposalId}/answer`, {
      answer: 'accepted',
      answerText: answer,
    });
    assert.equal(answered.status, 303);
    assert.equal(await tellProposalUpdates(server.ctx), 1, 'the answer is told');
    assert.equal(await tellProposalUpdates(server.ctx), 0, 'and not again');
    await server.ctx.jobs.runDue();
    const mails = await server.ctx.db
      .selectFrom('core_mail')
      .select('text_body')
      .where('to_address', '=', email)
      .execute();
    const told = mails.filter((mail) => mail.text_body.includes(answer));
    assert.equal(told.length, 1, 'the answer reaches the resident once');
    assert.match(told[0]?.text_body ?? '', new RegExp(`/proposals/${proposalId}\\b`));
    const thread = await server.ctx.db
      .selectFrom('inbox_message')
      .select('body')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'out')
      .execute();
    assert.equal(thread.filter((m) => m.body.includes(answer)).length, 1, 'one answer in the conversation');
  });
});
