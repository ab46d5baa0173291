import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../../src/platform/db/database.ts';
import { findChannelRecord, insertChannel } from '../../src/modules/inbox/channels.repository.ts';
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

  test(
    'a start with another SECRET_KEY is refused with a clear message; rotate-secret-key carries the data to the new key',
    { timeout: 240_000 },
    async () => {
      const keyA = 'the-first-secret-key-of-32-characters-or-more';
      const keyB = 'the-second-secret-key-of-32-characters-or-more';
      const dataDir = folders.make();
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = { DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url };
      const first = runScript('src/server.ts', ['--no-demo'], { ...env, SECRET_KEY: keyA });
      await waitForHealth(url, first);
      await stop(first);

      // what the key protects: a channel's credentials and a census entry, written under key A
      const withData = await openDatabase({ dataDir });
      const [city] = await withData.db.selectFrom('core_organisation').select('id').execute();
      const channelId = await insertChannel(withData.db, keyA, {
        organisationId: city?.id as number,
        kind: 'telegram',
        name: 'Bot',
        settings: {},
        secrets: { botToken: '123:abc' },
        enabled: false,
      });
      await withData.db
        .insertInto('verification_census')
        .values({
          organisation_id: city?.id as number,
          identity_hash: 'hash-under-key-a',
          district_id: null,
          imported_by: null,
        })
        .execute();
      await withData.close();

      const refused = runScript('src/server.ts', ['--no-demo'], { ...env, SECRET_KEY: keyB });
      assert.equal(await refused.exit, 1, refused.output());
      assert.match(
        refused.output(),
        /Interactive City cannot start: SECRET_KEY is not the key this database was set up with\. .*census hashes.*channels' credentials.*rotate-secret-key/,
      );

      const rotate = (old: string, extra: string[] = []) =>
        runScript('src/cli/admin.ts', ['rotate-secret-key', ...extra], {
          ...env,
          OLD_SECRET_KEY: old,
          SECRET_KEY: keyB,
        });
      const wrongOld = rotate('not-the-key-the-data-was-written-with-at-all');
      assert.equal(await wrongOld.exit, 1);
      assert.match(wrongOld.output(), /OLD_SECRET_KEY is not the key this database was set up with/);
      const blocked = rotate(keyA);
      assert.equal(await blocked.exit, 1, blocked.output());
      assert.match(
        blocked.output(),
        /Nothing was changed:[\s\S]*census: 1 entries .*cannot be re-hashed.*--drop-unrecoverable/,
      );
      const rotated = rotate(keyA, ['--drop-unrecoverable']);
      assert.equal(await rotated.exit, 0, rotated.output());
      assert.match(rotated.output(), /credentials of 1 sealed again under the new key/);
      assert.match(rotated.output(), /census: removed 1 entries/);

      const after = await openDatabase({ dataDir });
      const channel = await findChannelRecord(after.db, keyB, undefined, channelId);
      assert.deepEqual(channel?.secrets, { botToken: '123:abc' }, 'the credentials open with the new key');
      assert.equal((await after.db.selectFrom('verification_census').select('id').execute()).length, 0);
      await after.close();

      const second = runScript('src/server.ts', ['--no-demo'], { ...env, SECRET_KEY: keyB });
      await waitForHealth(url, second);
      await stop(second);
      const back = runScript('src/server.ts', ['--no-demo'], { ...env, SECRET_KEY: keyA });
      assert.equal(await back.exit, 1, 'the old key is refused now');
    },
  );

  test('the operator adds a city and sets its address with npm run admin', { timeout: 120_000 }, async () => {
    const dataDir = folders.make();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      SECRET_KEY: SECRET,
    };
    const server = runScript('src/server.ts', ['--no-demo'], env);
    await waitForHealth(url, server);
    await stop(server);
    const admin = async (...args: string[]) => {
      const command = runScript('src/cli/admin.ts', args, env);
      return { code: await command.exit, output: command.output() };
    };
    const added = await admin(
      'add-city',
      '--slug',
      'brugmont',
      '--name',
      'Brugmont',
      '--url',
      'https://brugmont.example',
      '--language',
      'nl',
    );
    assert.equal(added.code, 0, added.output);
    const moved = await admin('city-url', '--org', 'city', '--url', 'https://our-city.example');
    assert.equal(moved.code, 0, moved.output);
    const refused = await admin('city-url', '--org', 'brugmont', '--url', 'https://our-city.example');
    assert.equal(refused.code, 1);
    assert.match(refused.output, /the host our-city\.example already belongs to the city city/);
    const listed = await admin('cities');
    assert.match(listed.output, /city\s+https:\/\/our-city\.example\s+default/);
    assert.match(listed.output, /brugmont\s+https:\/\/brugmont\.example/);
    const usage = await admin('city-url');
    assert.equal(usage.code, 2);
  });
});
