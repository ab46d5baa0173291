import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** A server process (or a command) started from the repository, with everything it writes. */
export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** Runs a script of the repository on the same Node as the tests, with these variables added. */
export function runScript(script: string, args: string[], env: Record<string, string>): RunningProcess {
  let output = '';
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** A port nothing listens on. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once `url`/health answers 200; fails when the process exits first or after `timeoutMs`. */
export async function waitForHealth(url: string, server: RunningProcess, timeoutMs = 90_000): Promise<void> {
  let exited: number | null | undefined;
  void server.exit.then((code) => (exited = code));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited !== undefined) throw new Error(`the server exited (${exited}) before answering:\n${server.output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer:\n${server.output()}`);
}

/** Temporary folders removed by `removeAll` (call it in `after`). */
export class TempFolders {
  readonly #folders: string[] = [];
  make(prefix = 'ic-process-'): string {
    const folder = mkdtempSync(path.join(tmpdir(), prefix));
    this.#folders.push(folder);
    return folder;
  }
  removeAll(): void {
    for (const folder of this.#folders) rmSync(folder, { recursive: true, force: true });
  }
}
