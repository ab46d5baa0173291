import assert from 'node:assert/strict';
import type { TestClient } from './client.ts';
import { lastMailTo } from './factories.ts';
import type { TestServer } from './server.ts';

type ConfirmPath = '/reports/confirm' | '/reports/follow/confirm';

/** The path and query of the confirmation link in the last mail to `address` (fails when there is none). */
export async function mailedLink(server: TestServer, address: string, path: ConfirmPath = '/reports/confirm') {
  const mail = await lastMailTo(server, address);
  assert.ok(mail, `a mail went to ${address}`);
  const link = /https?:\/\/\S+/g;
  for (const [url] of mail.text_body.matchAll(link)) {
    const parsed = new URL(url);
    if (parsed.pathname === path && parsed.searchParams.get('token')) return `${parsed.pathname}${parsed.search}`;
  }
  assert.fail(`the last mail to ${address} has no ${path} link:\n${mail.text_body}`);
}

/**
 * Confirms what the last mail to `address` asks for, as its recipient does: opens the link (a page with a
 * button), then presses the button. Answers the button's response.
 */
export async function confirmByMail(
  server: TestServer,
  client: TestClient,
  address: string,
  path: ConfirmPath = '/reports/confirm',
): Promise<Response> {
  const page = await client.page(await mailedLink(server, address, path));
  assert.equal(page.response.status, 200, 'the link opens a page with a button');
  const token = /name="token" value="([^"]+)"/.exec(page.html)?.[1];
  assert.ok(token, 'the page’s form carries the token');
  return client.postForm(path, { _csrf: page.csrf, token });
}
