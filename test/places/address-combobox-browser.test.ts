import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The report form's address search in a real Chromium, as a keyboard user meets it: the WAI-ARIA combobox
 * (list autocomplete) over the city's own register, forgiving a typo; arrows move through the suggestions, Enter
 * picks one and fills the place of the report; Escape closes the list; axe-core finds nothing with the list open.
 */

let browser: Browser | undefined;
let server: TestServer;

before(async () => {
  browser = await launchBrowser();
  server = await startTestServer({ demo: true });
});
after(async () => {
  await browser?.close();
  await server.close();
});

test('the address combobox suggests as one types, and the keyboard picks a suggestion', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  try {
    const page = await context.newPage();
    await page.goto('/reports/new');
    const input = page.getByRole('combobox', { name: /address|street/i });
    await input.waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.equal(await input.getAttribute('aria-controls'), 'q-suggestions');

    // typed with a typo and no capitals: the register still knows the street
    await input.pressSequentially('via del prto 12', { delay: 20 });
    const options = page.locator('#q-suggestions [role="option"]');
    await options.first().waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    const labels = await options.allTextContents();
    assert.ok(labels.length >= 1 && labels.length <= 6, `suggestions: ${labels.join(' | ')}`);
    assert.match(labels[0] ?? '', /Via del Porto 12/);
    await page.locator('#q-status').filter({ hasText: /\d/ }).waitFor();
    await assertNoAxeViolations(page, 'report form with the suggestions open');

    await input.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'q-option-0');
    assert.equal(await options.first().getAttribute('aria-selected'), 'true');
    await input.press('Enter');

    // the suggestion became the report's place: coordinates, address, and a status a screen reader announces
    await page.locator('#q-suggestions').waitFor({ state: 'hidden' });
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.match(await input.inputValue(), /Via del Porto 12/);
    const lat = Number(await page.locator('#lat').inputValue());
    const lng = Number(await page.locator('#lng').inputValue());
    assert.ok(Math.abs(lat - 44.1) < 0.1 && Math.abs(lng - 9.8) < 0.1, `picked ${lat}, ${lng}`);
    assert.match(await page.locator('#address').inputValue(), /Via del Porto 12/);
    assert.match((await page.locator('#place-status').textContent()) ?? '', /Via del Porto 12/);

    // Escape closes a list the keyboard no longer wants
    await input.fill('');
    await input.pressSequentially('piazza del duo', { delay: 20 });
    await options.first().waitFor();
    await input.press('Escape');
    await page.locator('#q-suggestions').waitFor({ state: 'hidden' });
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
  } finally {
    await context.close();
  }
});
