/**
 * Small shared helpers for the benchmarks: command-line options, percentiles, repeated timing and a
 * plain-text table. No dependencies, so a bench file reads as "what is measured", not "how".
 */
import { performance } from 'node:perf_hooks';

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
}

/** Reads `--postgres`, `--quick`, `--reports=N`, `--seconds=N`, `--concurrency=N`, `--only=platform|reports`. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const value = (name: string): string | undefined => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number from 1 (got "${raw}")`);
    return parsed;
  };
  const known = new Set(['--postgres', '--quick']);
  for (const arg of argv) {
    if (!known.has(arg) && !/^--(reports|seconds|concurrency|only)=/.test(arg)) throw new Error(`Unknown option ${arg}`);
  }
  const only = value('only');
  return {
    postgres: argv.includes('--postgres'),
    quick,
    reports: number('reports', quick ? 50_000 : 1_000_000),
    seconds: number('seconds', quick ? 2 : 8),
    concurrency: number('concurrency', 32),
    parts: new Set(only ? only.split(',') : ['platform', 'reports']),
  };
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
  return { runs, medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), minMs: samples[0] ?? Number.NaN };
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
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => /^[-–\d.,\s%×<>≥]*$/.test(row[column] ?? '')));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`| ${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(Math.max(1, width - 1))}:` : '-'.repeat(width))).join(' | ')} |`);
  for (const row of rows) console.log(line(row));
}

/** A line of progress on stderr, so that stdout holds only the tables. */
export function progress(message: string): void {
  process.stderr.write(`· ${message}\n`);
}
