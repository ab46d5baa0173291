import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import type { TestClient } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { residentWrites, signedInContext, signInAs } from '../support/team-inbox.ts';

/**
 * The inbox as a communication officer uses it at 1366×768: how many conversations the first screen
 * shows, how far the answer box is, how many Tab presses reach the first conversation, the split view.
 * The figures are printed (the report quotes them) and bounded by the goals.
 */

let server: TestServer;
let browser: Browser | undefined;
let roads: TestClient;
let conversationId: number;

before(async () => {
  server = await startTestServer({ demo: true });
  roads = await signInAs(server, 'roads@valmora.example');
  // a busy morning: enough conversations to fill more than a screen
  for (let i = 0; i < 30; i++) {
    const written = await residentWrites(
      server,
      `busy${i}x${Date.now()}`,
      `The bin on street ${i} has not been emptied for a week and it smells; please send someone soon.`,
    );
    conversationId = written.conversationId;
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server.close();
});

async function withPage(
  t: TestContext,
  use: (page: Page) => Promise<void>,
  options: BrowserContextOptions = {},
): Promise<void> {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await signedInContext(browser, server, roads, { viewport: { width: 1366, height: 768 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await use(page);
    assert.deepEqual(problems, [], 'no script errors');
  } finally {
    await context.close();
  }
}

describe('the inbox at 1366×768', () => {
  test('the first screen shows at least 15 conversations; filters are folded; axe finds nothing', async (t) => {
    await withPage(t, async (page) => {
      await page.goto('/staff/inbox');
      const rows = await page.locator('#inbox-list tbody tr').evaluateAll(
        (elements) =>
          elements.filter((row) => {
            const box = row.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
          }).length,
      );
      const rowHeight = await page
        .locator('#inbox-list tbody tr')
        .first()
        .evaluate((row) => row.getBoundingClientRect().height);
      const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
      t.diagnostic(`rows fully visible: ${rows}; row height ${rowHeight.toFixed(1)} px; page height ${pageHeight} px`);
      console.log(
        `FIGURE rows visible at 1366x768: ${rows}; row height ${rowHeight.toFixed(1)} px; 50-row page ${pageHeight} px`,
      );
      assert.ok(rows >= 15, `${rows} conversations visible`);
      assert.equal(await page.locator('details.inbox-filters').getAttribute('open'), null, 'filters folded');
      assert.equal(await page.locator('#status').isVisible(), false);
      await page.locator('details.inbox-filters > summary').click();
      assert.equal(await page.locator('#status').isVisible(), true, 'one click opens the filters');
      await assertNoAxeViolations(page, 'inbox list');
    });
  });

  test('Tab presses from the top of the page to the first conversation', async (t) => {
    await withPage(t, async (page) => {
      await page.goto('/staff/inbox');
      const first = await page.locator('#inbox-list tbody tr a[href^="/staff/inbox/"]').first().getAttribute('href');
      let presses = 0;
      for (; presses < 80; presses++) {
        const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
        if (href === first && presses > 0) break;
        await page.keyboard.press('Tab');
      }
      console.log(`FIGURE Tab presses to the first conversation: ${presses}`);
      assert.ok(presses <= 30, `${presses} Tab presses`);
    });
  });

  test('a conversation: the answer box is on the first screen, the list beside it, without JavaScript too', async (t) => {
    for (const javaScriptEnabled of [true, false])
      await withPage(
        t,
        async (page) => {
          await page.goto(`/staff/inbox/${conversationId}`);
          const box = await page.locator('#answer-text').boundingBox();
          assert.ok(box);
          console.log(
            `FIGURE answer box top at 1366x768 (JS ${javaScriptEnabled ? 'on' : 'off'}): ${Math.round(box.y)} px`,
          );
          assert.ok(box.y + 40 < 768, `the answer box starts at ${box.y} px`);
          const side = await page.locator('nav.inbox-side').boundingBox();
          const main = await page.locator('.inbox-conversation').boundingBox();
          assert.ok(side && main, 'the list is shown beside the conversation');
          assert.ok(side.x + side.width <= main.x, 'the list is left of the conversation');
          assert.equal(
            await page.locator(`nav.inbox-side a[aria-current="page"]`).getAttribute('href'),
            `/staff/inbox/${conversationId}`,
          );
          assert.equal(await page.locator('details.inbox-tools').first().getAttribute('open'), null, 'labels folded');
          if (javaScriptEnabled) await assertNoAxeViolations(page, 'conversation');
        },
        { javaScriptEnabled },
      );
  });

  test('on a narrow screen the conversation takes the whole width', async (t) => {
    await withPage(
      t,
      async (page) => {
        await page.goto(`/staff/inbox/${conversationId}`);
        assert.equal(await page.locator('nav.inbox-side').isVisible(), false);
        await assertNoAxeViolations(page, 'conversation, narrow');
      },
      { viewport: { width: 800, height: 900 } },
    );
  });
});

describe('answer templates typed by name', () => {
  test('fill {name}, {report_number} and {department} in the conversation’s language', async () => {
    const created = await (
      await signInAs(server, 'admin@valmora.example')
    ).submit('/staff/inbox/templates', '/staff/inbox/templates', {
      name: 'Bins collected',
      text_en: 'Dear {name}, {department} will empty the bin. {unknown} stays.',
      text_it: 'Gentile {name}, {department} svuoterà il cassonetto.',
    });
    assert.equal(created.status, 303);
    const department = await server.ctx.db
      .selectFrom('core_department')
      .select(['id', 'name'])
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await server.ctx.db
      .updateTable('inbox_conversation')
      .set({ department_id: department.id })
      .where('id', '=', conversationId)
      .execute();
    const names =
      typeof department.name === 'string' ? (JSON.parse(department.name) as Record<string, string>) : department.name;
    const typed = await roads.page(`/staff/inbox/${conversationId}?template=bins`);
    const expected = `Dear Rita Resident, ${names.en} will empty the bin. {unknown} stays.`;
    assert.ok(typed.html.includes(`>${expected}</textarea>`), 'typed name (a prefix, any case) picks the template');
    assert.match(typed.html, /<datalist id="template-names"><option value="Bins collected">/);
    await server.ctx.db
      .updateTable('inbox_message')
      .set({ language: 'it', analysed_at: new Date() })
      .where('conversation_id', '=', conversationId)
      .execute();
    const italian = await roads.page(`/staff/inbox/${conversationId}?template=Bins%20collected`);
    assert.ok(
      italian.html.includes(`>Gentile Rita Resident, ${names.it ?? names.en} svuoterà il cassonetto.</textarea>`),
    );
    const unknown = await roads.page(`/staff/inbox/${conversationId}?template=nothing`);
    assert.match(unknown.html, /<textarea id="answer-text"[^>]*><\/textarea>/);
  });
});
