import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createScratchDatabase } from '../support/server.ts';
import { freePort, runScript, TempFolders, waitForHealth, type RunningProcess } from '../support/process.ts';

const folders = new TempFolders();
after(() => folders.removeAll());

const SECRET = 'a-secret-key-of-at-least-32-characters-A';

/** The time of the first JSON log line of `server` whose message matches. */
function logTime(server: RunningProcess, message: RegExp): number | undefined {
  for (const line of server.output().split('\n')) {
    if (!line.startsWith('{') || !message.test(line)) continue;
    return (JSON.parse(line) as { time: number }).time;
  }
  return undefined;
}

async function stop(server: RunningProcess): Promise<void> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  await server.exit;
}

describe('starting an installation', { concurrency: false }, () => {
  test(
    'two servers started together on an empty PostgreSQL database both serve: one creates the city, the other waits',
    { timeout: 180_000, skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (PostgreSQL)' },
    async () => {
      const database = await createScratchDatabase(process.env.DATABASE_URL as string, 'ic_together');
      const servers: RunningProcess[] = [];
      try {
        const ports = [await freePort(), await freePort()];
        for (const port of ports) {
          servers.push(
            runScript('src/server.ts', [], {
              DATABASE_URL: database.url,
              DATA_DIR: folders.make(),
              SECRET_KEY: SECRET,
              PORT: String(port),
              HOST: '127.0.0.1',
              PUBLIC_URL: `http://127.0.0.1:${port}`,
              DEMO_PASSWORD: 'demo-password-123',
            }),
          );
        }
        for (const [index, port] of ports.entries()) {
          await waitForHealth(`http://127.0.0.1:${port}`, servers[index] as RunningProcess);
          const home = await fetch(`http://127.0.0.1:${port}/`);
          assert.equal(home.status, 200);
          assert.match(await home.text(), /Valmora/);
        }
        const createdAt = servers.map((server) => logTime(server, /demo city \\"Valmora\\" created/));
        const creators = createdAt.filter((time) => time !== undefined);
        assert.equal(creators.length, 1, 'one server created the demo city');
        // the other waited for the city to be complete: it served nothing before (a half-built city, no accounts yet)
        const waiter = servers[createdAt.indexOf(undefined)] as RunningProcess;
        const readyAt = logTime(waiter, /is ready at/);
        assert.ok(readyAt !== undefined && readyAt >= (creators[0] as number), waiter.output());
      } finally {
        for (const server of servers) await stop(server);
        await database.drop();
      }
    },
  );
});
