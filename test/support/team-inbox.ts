import assert from 'node:assert/strict';
import { findChannelRecord } from '../../src/modules/inbox/channels.repository.ts';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { TestClient } from './client.ts';
import type { TestServer } from './server.ts';

export const DEMO_PASSWORD = 'demo-password-123';

/** A demo person signed in, with English as their language. */
export async function signInAs(server: TestServer, email: string): Promise<TestClient> {
  await server.ctx.db.updateTable('core_user').set({ language: 'en' }).where('email', '=', email).execute();
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
  assert.equal(response.status, 303, `${email} signs in`);
  return client;
}

let sequence = 0;

/**
 * A resident's message on the city's web channel, threaded by `thread` (a new conversation for a new
 * thread, the same one for the same thread). Answers the conversation's and the message's ids.
 */
export async function residentWrites(
  server: TestServer,
  thread: string,
  text: string,
): Promise<{ conversationId: number; messageId: number }> {
  const [city] = await server.organisations.findAll();
  assert.ok(city);
  const channelId = (
    await server.ctx.db
      .selectFrom('inbox_channel')
      .select('id')
      .where('kind', '=', 'web')
      .where('organisation_id', '=', city.id)
      .executeTakeFirstOrThrow()
  ).id;
  const channel = await findChannelRecord(server.ctx.db, server.config.secretKey, city.id, channelId);
  assert.ok(channel);
  sequence++;
  await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
    {
      externalId: `${thread}-${sequence}-${Date.now()}`,
      threadKey: thread,
      author: { externalId: `${thread}@example.org`, email: `${thread}@example.org`, name: 'Rita Resident' },
      text,
      sentAt: new Date(),
    },
  ]);
  const row = await server.ctx.db
    .selectFrom('inbox_message')
    .select(['id', 'conversation_id'])
    .where('body', '=', text)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return { conversationId: row.conversation_id, messageId: row.id };
}

/** The staff answers (not notices) of a conversation. */
export async function answersOf(server: TestServer, conversationId: number): Promise<string[]> {
  const rows = await server.ctx.db
    .selectFrom('inbox_message')
    .select('body')
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'out')
    .where('automatic', '=', false)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.body);
}

/** A browser context signed in as `client` is (its session cookies copied). */
export async function signedInContext(
  browser: Browser,
  server: TestServer,
  client: TestClient,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url, ...options });
  context.setDefaultTimeout(15_000);
  const url = new URL(server.url);
  await context.addCookies(
    [...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' })),
  );
  return context;
}
