/**
 * Loaded into every test file's process by `npm test` when TEST_TIMINGS names a file: when the process ends, it
 * appends how long it ran (its servers' start, its tests and hooks) and the file's name. `npm test` then prints the
 * slowest files; CI keeps the list, so the suite's time can be worked on where it goes.
 */
import { appendFileSync } from 'node:fs';

const target = process.env.TEST_TIMINGS;
const file = process.argv[1];
if (target && file && /\.test\.ts$/.test(file)) {
  process.on('exit', (code) => {
    const seconds = performance.now() / 1000;
    appendFileSync(target, `${seconds.toFixed(1)}\t${code}\t${file}\n`);
  });
}
