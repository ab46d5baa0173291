import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort, TempFolders, type RunningProcess } from '../support/process.ts';

const root = path.resolve(import.meta.dirname, '../..');
const folders = new TempFolders();
const servers: number[] = [];
after(() => {
  // a server this file started and a failed test left running
  for (const pid of servers.filter(running)) process.kill(pid, 'SIGKILL');
  folders.removeAll();
});

/** `npm start` as an operator types it, with its own output kept. */
function npmStart(env: Record<string, string>): RunningProcess {
  let output = '';
  const child = spawn('npm', ['start', '--', '--no-demo'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const answers = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
};

describe('npm start and the signals an operator sends to npm', { concurrency: false, timeout: 240_000 }, () => {
  const dataDir = folders.make('ic-npm-start-');
  const lockFile = path.join(dataDir, 'server.lock');

  /** Starts `npm start` on the shared folder, waits until ready, and answers npm, the server's pid and its URL. */
  async function started(): Promise<{ npm: RunningProcess; server: number; url: string }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const npm = npmStart({
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      PUBLIC_URL: url,
    });
    await until('the server is ready', () => answers(`${url}/ready`), 120_000);
    const server = Number(readFileSync(lockFile, 'utf8'));
    servers.push(server);
    assert.notEqual(server, npm.child.pid, 'the server runs in its own process under npm');
    return { npm, server, url };
  }

  async function assertStopped(server: number, url: string, output: () => string): Promise<void> {
    await until('the server process exits', () => !running(server), 30_000);
    assert.equal(await answers(`${url}/health`), false, 'the port is free');
    assert.equal(existsSync(lockFile), false, 'the data folder lock is released');
    assert.match(output(), /stopped cleanly/);
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} to npm stops the server cleanly`, async () => {
      const { npm, server, url } = await started();
      npm.child.kill(signal);
      await npm.exit;
      await assertStopped(server, url, npm.output);
    });
  }

  test('npm killed outright (SIGKILL, nothing passed on): the server notices and stops cleanly', async () => {
    const { npm, server, url } = await started();
    npm.child.kill('SIGKILL');
    await npm.exit;
    // the server writes to the pipe npm handed down to it, so its last lines still arrive here
    await assertStopped(server, url, npm.output);
  });
});
