/**
 * Small shared helpers for the benchmarks: command-line options, percentiles, repeated timing and a
 * plain-text table. No dependencies, so a bench file reads as "what is measured", not "how".
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

export interface BenchOptions {
  /** Use PostgreSQL (DATABASE_URL or the local default) instead of PGlite in a temporary folder. */
  postgres: boolean;
  /** A short run: fewer reports, shorter HTTP rounds. */
  quick: boolean;
  /** How many reports part 2 loads. */
  reports: number;
  /** Seconds each HTTP load round lasts (after its warm-up). */
  seconds: number;
  /** Requests in flight at once during an HTTP round. */
  concurrency: number;
  /** Run only these parts ('platform', 'reports'); both by default. */
  parts: Set<string>;
  /** The sizes of the inbox list bench, smallest first. */
  conversations: number[];
}

/** Reads `--postgres`, `--quick`, `--reports=N`, `--seconds=N`, `--concurrency=N`, `--only=platform|reports`. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const value = (name: string): string | undefined =>
    argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new Error(`--${name} must be a whole number from 1 (got "${raw}")`);
    return parsed;
  };
  const known = new Set(['--postgres', '--quick']);
  for (const arg of argv) {
    if (!known.has(arg) && !/^--(reports|seconds|concurrency|only|conversations)=/.test(arg))
      throw new Error(`Unknown option ${arg}`);
  }
  const only = value('only');
  return {
    postgres: argv.includes('--postgres'),
    quick,
    reports: number('reports', quick ? 50_000 : 1_000_000),
    seconds: number('seconds', quick ? 2 : 8),
    concurrency: number('concurrency', 32),
    parts: new Set(only ? only.split(',') : ['platform', 'reports']),
    conversations: sizes(value('conversations') ?? (quick ? '10000' : '10000,100000')),
  };
}

function sizes(raw: string): number[] {
  const list = raw.split(',').map((part) => Number(part.replaceAll('_', '')));
  if (list.some((size) => !Number.isInteger(size) || size < 1))
    throw new Error(`--conversations takes whole numbers separated by commas (got "${raw}")`);
  return list.sort((a, b) => a - b);
}

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
}

/**
 * Runs `work` `warmup` times unmeasured (plans cached, pages in memory), then `runs` times one after
 * another, and returns the median, p95 and fastest run in milliseconds.
 */
export async function timeRepeated(work: () => Promise<unknown>, runs: number, warmup = 3): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    runs,
    medianMs: percentile(samples, 0.5),
    p95Ms: percentile(samples, 0.95),
    minMs: samples[0] ?? Number.NaN,
  };
}

/** Measures one call of `work` in milliseconds, with its result. */
export async function timeOnce<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

/** A number with thousands separators and `digits` decimals, for tables. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds with a precision that suits their size (0.42, 4.2, 42). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms.toFixed(0);
}

/** A ratio as a percentage ("38 %"). */
export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)} %` : '–';
}

/**
 * Prints a table with a title, aligned columns (numbers right-aligned) and a rule under the header,
 * in a form that can be pasted into Markdown as it is.
 */
export function printTable(title: string, header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => /^[-–\d.,\s%×<>≥]*$/.test(row[column] ?? '')),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(
    `| ${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(Math.max(1, width - 1))}:` : '-'.repeat(width))).join(' | ')} |`,
  );
  for (const row of rows) console.log(line(row));
}

/** A line of progress on stderr, so that stdout holds only the tables. */
export function progress(message: string): void {
  process.stderr.write(`· ${message}\n`);
}

/** What held up this thread's event loop while watched: its longest delays and garbage collection's pauses. */
export interface Stalls {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcPauseMs: number;
  gcLongestMs: number;
}

/**
 * Watches this thread's event loop (where the server runs in a bench) until the returned function is
 * called: a request waiting behind a blocked loop or a GC pause waits as long as it lasts.
 */
export function watchStalls(): () => Stalls {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let gcPauseMs = 0;
  let gcLongestMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauseMs += entry.duration;
      gcLongestMs = Math.max(gcLongestMs, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  delay.enable();
  return () => {
    delay.disable();
    observer.disconnect();
    return { loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6, gcPauseMs, gcLongestMs };
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * Profiles this thread's CPU while `work` runs and prints the functions where it spent the most time
 * (self time, by function and file), the way to see what a request costs the server.
 */
export async function printProfile<T>(title: string, work: () => Promise<T>, top = 40): Promise<T> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  let result: T;
  try {
    result = await work();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
    session.disconnect();
    const file = path.join(os.tmpdir(), `bench-${Date.now()}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    const selfHits = new Map<string, number>();
    let total = 0;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      selfHits.set(key, (selfHits.get(key) ?? 0) + hits);
      total += hits;
    }
    const rows = [...selfHits].sort((a, b) => b[1] - a[1]).slice(0, top);
    printTable(
      title,
      ['Function (self time)', 'Share'],
      rows.map(([key, hits]) => [key.slice(0, 140), formatPercent(hits / total)]),
    );
    console.log(`The whole profile: ${file} (open it in Chromium's DevTools, Performance tab).`);
  }
  return result;
}
