import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Every CSV download of the platform, as a spreadsheet opens it: UTF-8 announced by a byte order mark
// (Excel otherwise shows "Ã©" for "é"), CRLF records, formulas defused.
let server: TestServer;
before(async () => {
  server = await startTestServer({ demo: true });
});
after(() => server.close());

test('every CSV export starts with a UTF-8 byte order mark', async () => {
  const { client } = await signedInClient(server, { role: 'admin' });
  const published = await server.ctx.db
    .selectFrom('budgets_budget')
    .select('id')
    .where('results_published_at', 'is not', null)
    .executeTakeFirst();
  const downloads = [
    '/staff/reports.csv',
    '/staff/inbox/listening.csv',
    '/staff/inbox/codes.csv',
    ...(published ? [`/budgets/${published.id}/results.csv`] : []),
  ];
  assert.ok(published, 'the demo city has published budget results');
  for (const path of downloads) {
    const response = await client.get(path);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/, path);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="[^"]+\.csv"$/, path);
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], `${path} starts with the byte order mark`);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    assert.equal(text.split('\r\n').at(-1), '', `${path} ends each record with CRLF`);
    assert.equal((text.match(/\uFEFF/g) ?? []).length, 1, `${path} has one byte order mark`);
  }
});
