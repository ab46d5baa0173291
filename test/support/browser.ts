import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's package (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING = 'Chromium not installed: apt-get install -y chromium';

/**
 * Starts a headless Chromium. Without the executable it returns undefined so that the tests skip, except
 * in CI (`CI=true`), where a missing browser is a failure.
 */
export async function launchBrowser(): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI === 'true')
      throw new Error(`${CHROMIUM_MISSING} (looked for ${CHROMIUM_PATH}; set CHROMIUM_PATH to use another one)`);
    return undefined;
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The WCAG 2.1 A and AA rules; best practices are not asserted. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; html: string; summary: string }>;
}

/**
 * Runs axe-core on the page as it is now and returns the WCAG 2.1 AA violations. The source is evaluated
 * through the DevTools protocol, which the pages' strict CSP (script-src 'self') does not apply to, so
 * the page is tested with its real policy in force.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  // axe waits on timers, which never fire in a context with JavaScript disabled: fail instead of hanging
  let timer: NodeJS.Timeout | undefined;
  const timersRun = page.evaluate(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 0)));
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000)));
  const running = await Promise.race([timersRun, timeout]).finally(() => clearTimeout(timer));
  if (!running) throw new Error('timers do not run on this page: axe needs a context with JavaScript on');
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((violation: Result) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String).join(' '),
        html: node.html,
        summary: node.failureSummary ?? '',
      })),
    }));
  }, AXE_TAGS);
}

/** A readable list of violations: rule, what it asks, and each offending element. */
export function formatViolations(where: string, violations: Violation[]): string {
  const lines = [`${violations.length} accessibility violation(s) on ${where}:`];
  for (const violation of violations) {
    lines.push(`- ${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} — ${violation.helpUrl}`);
    for (const node of violation.nodes) {
      lines.push(`    at ${node.target}: ${node.html.slice(0, 160)}`);
      if (node.summary) lines.push(...node.summary.split('\n').map((line) => `      ${line}`));
    }
  }
  return lines.join('\n');
}

/** Fails with the list of violations unless axe finds none. */
export async function assertNoAxeViolations(page: Page, where = page.url()): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length > 0) throw new Error(formatViolations(where, violations));
}
