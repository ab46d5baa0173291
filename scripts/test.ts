/**
 * `npm test`: every test/**\/*.test.ts file with node's test runner, two files at a time, on the same
 * Node that runs this script. Options are passed on (`npm test -- --test-name-pattern=sign`); file
 * arguments replace the full list (`npm test -- test/accounts/accounts.test.ts`); a folder stands for its
 * test files (`npm test -- test/reports`).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

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

const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...options, ...files], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
