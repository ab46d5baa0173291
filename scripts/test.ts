/**
 * `npm test`: every test/**\/*.test.ts file with node's test runner, two files at a time, on the same
 * Node that runs this script. Options are passed on (`npm test -- --test-name-pattern=sign`); file
 * arguments replace the full list (`npm test -- test/accounts.test.ts`).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('-'));
const chosen = args.filter((arg) => !arg.startsWith('-'));

const files =
  chosen.length > 0
    ? chosen
    : readdirSync(path.join(root, 'test'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.test.ts'))
        .map((file) => path.join('test', file))
        .sort();

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
