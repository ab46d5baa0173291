import assert from 'node:assert/strict';
import type { AppContext } from '../../src/platform/context.ts';
import type { ChannelPost, PublishingAdapter, PublishingDestination } from '../../src/platform/publishing.ts';
import { TestClient } from '../support/client.ts';
import { lastMailTo } from '../support/factories.ts';
import type { TestServer } from '../support/server.ts';

/** The link to `path` in the last mail (from the outbox) to `address`, as path and query. */
export async function linkInLastMail(server: TestServer, address: string, path: string): Promise<string> {
  const mail = await lastMailTo(server, address);
  assert.ok(mail, `a mail went to ${address}`);
  for (const [url] of mail.text_body.matchAll(/https?:\/\/\S+/g)) {
    const parsed = new URL(url);
    if (parsed.pathname === path && parsed.searchParams.get('token')) return `${parsed.pathname}${parsed.search}`;
  }
  assert.fail(`the last mail to ${address} has no ${path} link:\n${mail.text_body}`);
}

/** Subscribes through the form as a resident who is not signed in; answers the response. */
export async function subscribeByForm(
  server: TestServer,
  fields: { email: string; languages?: string[]; departments?: number[] },
  client = new TestClient(server.url),
): Promise<Response> {
  const { csrf } = await client.page('/newsletter');
  const body = new URLSearchParams({ _csrf: csrf, email: fields.email });
  for (const language of fields.languages ?? []) body.append('languages', language);
  for (const department of fields.departments ?? []) body.append('departments', String(department));
  return client.request('POST', '/newsletter', {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Subscribes and confirms through the mailed link, as a resident does; answers the preferences path. */
export async function subscribeConfirmed(
  server: TestServer,
  fields: { email: string; languages: string[]; departments?: number[] },
): Promise<string> {
  const client = new TestClient(server.url);
  const sent = await subscribeByForm(server, fields, client);
  assert.equal(sent.status, 303);
  const link = await linkInLastMail(server, fields.email, '/newsletter/confirm');
  const page = await client.page(link);
  assert.equal(page.response.status, 200);
  const token = /name="token" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
  const confirmed = await client.postForm('/newsletter/confirm', { _csrf: page.csrf, token });
  assert.equal(confirmed.status, 303);
  const location = confirmed.headers.get('location') ?? '';
  assert.match(location, /^\/newsletter\/preferences\?token=/);
  return location;
}

export function newsletterAdapter(ctx: AppContext): PublishingAdapter {
  const adapter = ctx.registry.publishingAdapters.find((candidate) => candidate.kind === 'newsletter');
  assert.ok(adapter, 'the newsletter module declares its adapter');
  return adapter;
}

let delivery = 1000;

/** Publishes a post to the city's newsletter through the adapter, as the publishing job does. */
export async function publishToNewsletter(
  server: TestServer,
  organisationId: number,
  post: Partial<ChannelPost> & { language: string; title: string | null; text: string },
) {
  const adapter = newsletterAdapter(server.ctx);
  const [built] = (await adapter.builtInDestinations?.(server.ctx, organisationId)) ?? [];
  assert.ok(built);
  const destination: PublishingDestination = {
    id: 1,
    organisationId,
    kind: 'newsletter',
    key: built.key,
    name: built.name,
    departmentId: null,
    settings: {},
    secrets: {},
  };
  const deliveryId = post.deliveryId ?? ++delivery;
  const full: ChannelPost = {
    postId: deliveryId,
    deliveryId,
    idempotencyKey: `delivery-${deliveryId}`,
    organisationId,
    contentWarning: null,
    media: [],
    url: `http://localhost:3000/news/${deliveryId}`,
    hashtags: [],
    crisis: false,
    publishedAt: new Date(),
    ...post,
  };
  const outcome = await adapter.publish(destination, full, server.ctx, AbortSignal.timeout(10_000));
  const status = await adapter.status(
    destination,
    { deliveryId, idempotencyKey: full.idempotencyKey, remoteId: null, state: {} },
    server.ctx,
    AbortSignal.timeout(10_000),
  );
  return { outcome, status, destination, post: full };
}

/** Makes the city's digest due now: its schedule was set up, and last sent, eight days ago. */
export async function makeDigestDue(server: TestServer, organisationId: number): Promise<void> {
  const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
  await server.ctx.db
    .insertInto('newsletter_settings')
    .values({ organisation_id: organisationId, frequency: 'daily', hour: 0 })
    .onConflict((oc) => oc.column('organisation_id').doNothing())
    .execute();
  await server.ctx.db
    .updateTable('newsletter_settings')
    .set({ last_digest_at: eightDaysAgo, frequency: 'daily', hour: 0 })
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Runs every job that is due, until none is left. */
export async function drainJobs(server: TestServer): Promise<void> {
  for (let i = 0; i < 20 && (await server.ctx.jobs.runDue(200)) > 0; i++);
}

/** Runs the newsletter's recurring job once now. */
export async function runNewsletterJob(server: TestServer): Promise<void> {
  await server.ctx.jobs.enqueue('newsletter.digest', {});
  await drainJobs(server);
}
