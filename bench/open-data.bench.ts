/**
 * Issue 16: the CSV export of reports at N reports (1,000,000 by default, 50,000 with --quick), streamed
 * over real HTTP from the running platform, against a baseline in the same run: the same keyset pages read
 * with the same SQL and thrown away (no formatting, no HTTP). Memory is the process's resident set
 * sampled every 50 ms during the download (the server runs in this process; curl downloads in another),
 * against its value before.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pagePublicReports } from '../src/modules/reports/index.ts';
import { PAGE_SIZE } from '../src/modules/open-data/formats.ts';
import type { BenchOptions } from './lib.ts';
import { progress } from './lib.ts';
import { foldLoadedChanges, loadReports } from './reports-data.ts';
import type { BenchEnvironment } from './setup.ts';

const MB = 2 ** 20;

function sampleMemory(): { stop(): { peakRss: number; peakHeap: number } } {
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { peakRss, peakHeap };
    },
  };
}

/**
 * Downloads with curl in another process, so that the client does not share the server's thread; counts
 * the records afterwards from the saved file.
 */
async function download(url: string): Promise<{ rows: number; bytes: number; seconds: number }> {
  const file = path.join(tmpdir(), `ic-open-data-${process.pid}.out`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('curl', ['--silent', '--fail', '--output', file, url], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl ${url} exited with ${code}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  const buffer = await readFile(file);
  await rm(file, { force: true });
  let rows = 0;
  for (let at = buffer.indexOf(0x0a); at >= 0; at = buffer.indexOf(0x0a, at + 1)) rows++;
  return { rows: rows - 1, bytes: buffer.byteLength, seconds };
}

export async function benchOpenData(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const count = options.quick ? 50_000 : options.reports;
  const db = env.platform.ctx.db;
  progress(`loading ${count.toLocaleString('en')} reports`);
  const loaded = await loadReports(db, env.city.id, count);
  await foldLoadedChanges(db);
  progress(`loaded in ${loaded.seconds.toFixed(1)} s`);
  const total = Number(
    (await db.selectFrom('reports_report').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
  );

  // warm-up (plans, caches), then the baseline: the same pages, read and dropped
  await download(`${env.url}/open-data/reports.csv`);
  global.gc?.();
  const baselineStart = performance.now();
  let baselineRows = 0;
  let afterId = 0;
  for (;;) {
    const rows = await pagePublicReports(db, env.city.id, afterId, PAGE_SIZE);
    baselineRows += rows.length;
    if (rows.length < PAGE_SIZE) break;
    afterId = Number(rows[rows.length - 1]?.id);
  }
  const baselineSeconds = (performance.now() - baselineStart) / 1000;

  console.log(`\n## Open data (issue 16): /open-data/reports.csv with ${total.toLocaleString('en')} reports\n`);
  console.log('| what | rows | seconds | rows/s | MB sent | RSS growth (MB) | heap peak growth (MB) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| baseline: keyset pages of ${PAGE_SIZE}, read and dropped | ${baselineRows.toLocaleString('en')} | ${baselineSeconds.toFixed(2)} | ${Math.round(baselineRows / baselineSeconds).toLocaleString('en')} | – | – | – |`,
  );
  for (const format of ['csv', 'json', 'geojson'] as const) {
    global.gc?.();
    const rssBefore = process.memoryUsage.rss();
    const heapBefore = process.memoryUsage().heapUsed;
    const memory = sampleMemory();
    const result = await download(`${env.url}/open-data/reports.${format}`);
    const { peakRss, peakHeap } = memory.stop();
    const rows = format === 'csv' ? result.rows : result.rows - 1;
    console.log(
      `| HTTP ${format.toUpperCase()} download | ${rows.toLocaleString('en')} | ${result.seconds.toFixed(2)} | ${Math.round(rows / result.seconds).toLocaleString('en')} | ${(result.bytes / MB).toFixed(0)} | ${((peakRss - rssBefore) / MB).toFixed(0)} | ${((peakHeap - heapBefore) / MB).toFixed(0)} |`,
    );
  }
  console.log(
    `\nRatio CSV / baseline is the cost of formatting and sending; the goal is ≥ 100,000 rows/s with < 100 MB growth.`,
  );
}
