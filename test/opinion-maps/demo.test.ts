import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let mapId: number;

async function signIn(email: string): Promise<TestClient> {
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email, password: 'demo-password-123' });
  assert.equal(response.status, 303, `sign-in of ${email}`);
  return client;
}

before(async () => {
  server = await startTestServer({ demo: true });
  const maps = (await (await fetch(`${server.url}/api/v1/opinion-maps`)).json()) as Array<{ id: number }>;
  assert.equal(maps.length, 1);
  mapId = maps[0]?.id ?? 0;
});
after(() => server.close());

test('the demo map has two clear groups and a consensus statement, found by the computation', async () => {
  const results = (await (await fetch(`${server.url}/api/v1/opinion-maps/${mapId}/results`)).json()) as {
    participants: number;
    groups: Array<{ members: number; representative: Array<{ statement: { text: string } }> }>;
    consensus: { agree: Array<{ statement: { text: string } }> };
  };
  assert.ok(results.participants >= 80);
  assert.equal(results.groups.length, 2);
  for (const group of results.groups) {
    assert.ok(group.members >= 25);
    assert.ok(group.representative.length >= 2);
  }
  assert.equal(
    results.consensus.agree[0]?.statement.text,
    'Pavements along the water must be safe for children and older people.',
  );
  // the process page links to it (through the subject section)
  const process = await (await fetch(`${server.url}/processes/master-plan-2040`)).text();
  assert.match(process, new RegExp(`href="/opinion-maps/${mapId}"`));
});

test('the voting, results and staff pages pass axe (WCAG 2.1 AA) and work without JavaScript', async (t) => {
  const browser = await launchBrowser();
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  try {
    const resident = await signIn('giulia@valmora.example');
    const admin = await signIn('admin@valmora.example');
    const context = await browser.newContext({ baseURL: server.url });
    await context.addCookies([
      { name: SESSION_COOKIE, value: resident.cookies.get(SESSION_COOKIE) ?? '', url: server.url },
    ]);
    const page = await context.newPage();
    for (const path of [`/opinion-maps/${mapId}`, `/opinion-maps/${mapId}/results`, '/opinion-maps']) {
      assert.equal((await page.goto(path))?.status(), 200, path);
      await assertNoAxeViolations(page, path);
    }
    // a new participant (born 1990, the process asks for 14 and over) votes with the keyboard, JavaScript off
    const newcomer = await signedInClient(server);
    await server.ctx.db.updateTable('core_user').set({ birth_year: 1990 }).where('id', '=', newcomer.user.id).execute();
    const withScripts = await browser.newContext({ baseURL: server.url });
    await withScripts.addCookies([
      { name: SESSION_COOKIE, value: newcomer.client.cookies.get(SESSION_COOKIE) ?? '', url: server.url },
    ]);
    const axePage = await withScripts.newPage();
    await axePage.goto(`/opinion-maps/${mapId}`);
    assert.equal(await axePage.locator('#statement-text').count(), 1);
    await assertNoAxeViolations(axePage, 'the voting page with a statement and the form to add one');
    const plain = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
    await plain.addCookies([
      { name: SESSION_COOKIE, value: newcomer.client.cookies.get(SESSION_COOKIE) ?? '', url: server.url },
    ]);
    const voting = await plain.newPage();
    await voting.goto(`/opinion-maps/${mapId}`);
    const first = await voting.locator('#statement-text').textContent();
    assert.ok(first);
    await voting.getByRole('button', { name: 'Agree', exact: true }).focus();
    await voting.keyboard.press('Enter');
    await voting.waitForURL(`**/opinion-maps/${mapId}`);
    assert.notEqual(await voting.locator('#statement-text').textContent(), first);
    const votes = await server.ctx.db
      .selectFrom('opinion_maps_vote as v')
      .innerJoin('opinion_maps_participant as p', 'p.id', 'v.participant_id')
      .select(['v.value'])
      .where('p.user_id', '=', newcomer.user.id)
      .execute();
    assert.deepEqual(votes, [{ value: 1 }]);
    const staff = await browser.newContext({ baseURL: server.url });
    await staff.addCookies([{ name: SESSION_COOKIE, value: admin.cookies.get(SESSION_COOKIE) ?? '', url: server.url }]);
    const staffPage = await staff.newPage();
    for (const path of ['/admin/opinion-maps', `/admin/opinion-maps/${mapId}`]) {
      await staffPage.goto(path);
      await assertNoAxeViolations(staffPage, path);
    }
  } finally {
    await browser.close();
  }
});
