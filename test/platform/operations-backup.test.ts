import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { verifyBackup } from '../../src/platform/db/backup.ts';
import { TestClient } from '../support/client.ts';
import { contentsOf, demoDataFolder, npmRun, POSTGRES_SERVER } from '../support/operations.ts';
import { freePort, runScript, TempFolders, waitForHealth } from '../support/process.ts';
import { createScratchDatabase } from '../support/server.ts';

const folders = new TempFolders();
after(() => folders.removeAll());

describe(
  'npm run backup and npm run restore',
  {
    // Not yet seen completing on the shared, overloaded machine it was written on (load 20 on 2 cores): each
    // command start takes 20-60 s there. The commands themselves were run by hand (see the issue 17 report).
    // 7 December, 22:02 (load 13): the test passed in 227 s, but the test file's process then stayed alive (stdio
    // and one Timeout handle left, no child): a wait left pending somewhere, not yet found. Until it is, opt-in.
    skip: process.env.OPERATIONS_TESTS === '1' ? false : 'set OPERATIONS_TESTS=1 (slow: several command starts)',
    timeout: 600_000,
  },
  () => {
    test('a backup of the demo city taken while the server runs and writes restores, rows and photos, into a new folder and into PostgreSQL', async () => {
      const source = folders.make('ic-backup-source-');
      const { secretKey } = await demoDataFolder(source);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // as an installation without SECRET_KEY keeps it: in the data folder, which the backup must carry
      writeFileSync(path.join(source, 'secret.key'), `${secretKey}\n`, { mode: 0o600 });
      const env = { DATA_DIR: source, DATABASE_URL: '' };
      const server = runScript('src/server.ts', ['--no-demo'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
      const scratch = await createScratchDatabase(POSTGRES_SERVER, 'ic_restore');
      try {
        await waitForHealth(url, server);
        // residents keep signing up while the backup is read
        const state = { writing: true };
        const writes = (async () => {
          let count = 0;
          while (state.writing) {
            const client = new TestClient(url);
            await client.page('/sign-up');
            count++;
          }
          return count;
        })();
        const file = path.join(folders.make('ic-backup-file-'), 'city.backup');
        const backup = await npmRun('backup', ['--out', file], env);
        state.writing = false;
        assert.ok((await writes) > 0);
        assert.equal(backup.code, 0, backup.output);
        assert.match(backup.output, /asking it for the backup/, 'the running server wrote it');
        assert.match(backup.output, /and the data folder’s secret\.key/);
        assert.equal(existsSync(path.join(source, 'server.lock')), true, 'the server kept running');
        const written = await verifyBackup(file);
        assert.ok((written.counts.reports_photo ?? 0) > 0 && (written.counts.reports_report ?? 0) > 0);

        const target = path.join(folders.make('ic-backup-target-'), 'data');
        const intoFolder = await npmRun('restore', [file, '--into', target], {});
        const intoPostgres = await npmRun('restore', [file, '--database-url', scratch.url], {});
        assert.equal(intoFolder.code, 0, intoFolder.output);
        assert.equal(intoPostgres.code, 0, intoPostgres.output);
        assert.equal(
          readFileSync(path.join(target, 'secret.key'), 'utf8'),
          readFileSync(path.join(source, 'secret.key'), 'utf8'),
        );

        server.child.kill('SIGTERM');
        assert.equal(await server.exit, 0, server.output());
        const original = await contentsOf({ dataDir: source });
        for (const restored of [
          await contentsOf({ dataDir: target }),
          await contentsOf({ databaseUrl: scratch.url }),
        ]) {
          assert.deepEqual(restored.counts, written.counts);
          assert.equal(restored.photos, original.photos, 'every photo, byte for byte');
          for (const table of Object.keys(original.counts).filter((name) => !/^core_(session|job|audit)/.test(name))) {
            assert.equal(restored.counts[table], original.counts[table], table);
          }
        }

        const again = await npmRun('restore', [file, '--database-url', scratch.url], {});
        assert.equal(again.code, 1);
        assert.match(again.output, /The target database is not empty\. Give --force/);
      } finally {
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
        await scratch.drop();
      }
    });
  },
);
