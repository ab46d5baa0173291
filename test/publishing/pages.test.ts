import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { forgetCrisisBanners } from '../../src/modules/publishing/pages/review.pages.ts';
import { runPublishing } from '../../src/modules/publishing/delivery.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { FakeChannel } from '../support/publishing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { act, addDestination, publishingPeople, writePost } from './support.ts';

/**
 * The publishing pages in Chromium: axe-core (WCAG 2.1 A and AA) on each, and the editor's counters
 * kept current by its script as staff type (the page works without it; the server counts the same).
 */
let server: TestServer;
let browser: Browser | undefined;
let people: Awaited<ReturnType<typeof publishingPeople>>;
let postId: number;
let reviewPath: string;
let password: string;
let authorEmail: string;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  const channel = new FakeChannel();
  server = await startTestServer({ modules: [channel.module()] });
  people = await publishingPeople(server);
  const destination = await addDestination(server, people.admin.client, 'test-channel', 'Fake social');
  const written = await writePost(people.author.client, {
    body_en: 'CLICK HERE NOW for #roadworksinfo: https://city.example/roads',
    departmentId: String(people.roads),
    destinationIds: String(destination.id),
    schedule: 'now',
  });
  postId = written.id ?? 0;
  await act(people.author.client, postId, 'submit');
  await act(people.approver.client, postId, 'changes', { comment: 'Less shouting, please.' });
  await people.author.client.submit(
    `/staff/publishing/posts/${postId}/edit`,
    `/staff/publishing/posts/${postId}/edit`,
    {
      body_en: 'Road works: see https://city.example/roads for the detours.',
      departmentId: String(people.roads),
      destinationIds: String(destination.id),
      schedule: 'now',
    },
  );
  const created = await act(people.author.client, postId, 'review-link', { reviewerName: 'Ana', days: '2' });
  reviewPath = new URL(
    /(http:\/\/[^<\s]+\/publishing\/review\/[A-Za-z0-9_-]+)/.exec(await created.text())?.[1] ?? 'http://x/',
  ).pathname;
  // a crisis broadcast, published, for the banner
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const crisis = await people.author.client.submit('/staff/publishing/crisis', '/staff/publishing/crisis', {
    title_en: 'Storm warning',
    body_en: 'Stay indoors tonight.',
    pinnedDay: tomorrow,
  });
  const crisisId = Number(/(\d+)$/.exec(crisis.headers.get('location') ?? '')?.[1]);
  await act(people.approver.client, crisisId, 'emergency/confirm');
  await runPublishing(server.ctx);
  forgetCrisisBanners();
  password = 'correct horse battery';
  authorEmail = people.author.user.email;
});
after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
});

test('the publishing pages pass axe, and the editor counts as staff type', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  try {
    await page.goto('/sign-in');
    await page.getByLabel('E-mail address').fill(authorEmail);
    await page.getByLabel('Password').fill(password);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    for (const path of [
      '/',
      '/staff/publishing',
      '/staff/publishing/posts/new',
      `/staff/publishing/posts/${postId}`,
      `/staff/publishing/posts/${postId}/edit`,
      '/staff/publishing/failures',
      '/staff/publishing/campaigns',
      '/staff/publishing/campaigns/new',
      '/staff/publishing/crisis',
    ]) {
      const response = await page.goto(path);
      assert.equal(response?.status(), 200, path);
      await assertNoAxeViolations(page, path);
    }
    // the counter follows the text without a round trip
    await page.goto(`/staff/publishing/posts/${postId}/edit`);
    const counter = page.locator('.publishing-counter').first();
    await page
      .locator('#body_en')
      .fill(`${'é'.repeat(490)} https://city.example/a-very-long-address-indeed-more-than-23`);
    assert.equal(await counter.textContent(), 'Fake social: 514 of 500 characters');
    assert.match((await counter.getAttribute('class')) ?? '', /publishing-counter--over/);
    await page.locator('#body_en').fill('Short.');
    assert.equal(await counter.textContent(), 'Fake social: 6 of 500 characters');
    // the reviewer's page, without an account
    const reviewer = await browser.newContext({ baseURL: server.url });
    const reviewPage = await reviewer.newPage();
    assert.equal((await reviewPage.goto(reviewPath))?.status(), 200);
    await assertNoAxeViolations(reviewPage, reviewPath);
    await reviewer.close();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('administrators’ destination and approval step pages pass axe', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await page.goto('/sign-in');
    await page.getByLabel('E-mail address').fill(people.admin.user.email);
    await page.getByLabel('Password').fill(password);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    for (const path of [
      '/admin/publishing/destinations',
      '/admin/publishing/destinations/new/test-channel',
      '/admin/publishing/steps',
    ]) {
      const response = await page.goto(path);
      assert.equal(response?.status(), 200, path);
      await assertNoAxeViolations(page, path);
    }
  } finally {
    await context.close();
  }
});
