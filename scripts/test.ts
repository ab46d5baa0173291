/**
 * `npm test`: every test/**\/*.test.ts file with node's test runner, two files at a time, on the same
 * Node that runs this script. Options are passed on (`npm test -- --test-name-pattern=sign`); file
 * arguments replace the full list (`npm test -- test/accounts/accounts.test.ts`); a folder stands for its
 * test files (`npm test -- test/reports`).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('-'));
const chosen = args.filter((arg) => !arg.startsWith('-'));

/** The test files under a folder (relative to the repository), sorted. */
function testFilesIn(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join(folder, file))
    .sort();
}

const isFolder = (arg: string): boolean =>
  statSync(path.resolve(root, arg), { throwIfNoEntry: false })?.isDirectory() ?? false;
const files =
  chosen.length > 0 ? chosen.flatMap((arg) => (isFolder(arg) ? testFilesIn(arg) : [arg])) : testFilesIn('test');

if (files.length === 0) {
  console.error('No test files found under test/.');
  process.exit(1);
}

// TEST_TIMINGS=file: each test file's process notes how long it ran there; the slowest are printed at the end
const timings = process.env.TEST_TIMINGS;
if (timings) writeFileSync(timings, '');
const preload = timings ? [`--import=${pathToFileURL(path.join(root, 'scripts/test-timings.ts')).href}`] : [];
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...preload, ...options, ...files], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (timings) printSlowest(timings);
  process.exit(code ?? (signal ? 1 : 0));
});

function printSlowest(file: string): void {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .map(([seconds = '0', code = '', name = '']) => ({
      seconds: Number(seconds),
      code,
      name: path.relative(root, name),
    }))
    .sort((a, b) => b.seconds - a.seconds);
  const sum = rows.reduce((total, row) => total + row.seconds, 0);
  console.log(
    `\nTest files by time (${rows.length} files, ${sum.toFixed(0)} s in all, two at a time; list in ${file}):`,
  );
  for (const row of rows.slice(0, 25))
    console.log(`${row.seconds.toFixed(1).padStart(8)} s  ${row.name}${row.code === '0' ? '' : ` (exit ${row.code})`}`);
}
