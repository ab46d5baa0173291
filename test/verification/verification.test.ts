import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkEligibility, identityHash } from '../../src/modules/verification/index.ts';
import type { TestClient } from '../support/client.ts';
import { buildUser, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: { client: TestClient; csrf: string };
let districtId: number;
let organisationId: number;

async function csrfOf(client: TestClient): Promise<string> {
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return me.csrfToken;
}

async function importRows(rows: unknown[]) {
  return admin.client.json('POST', '/api/v1/admin/census', { rows }, { 'x-csrf-token': admin.csrf });
}

async function verifyViaApi(client: TestClient, documentNumber: string, birthDate: string) {
  return client.json(
    'POST',
    '/api/v1/me/verification',
    { documentNumber, birthDate },
    { 'x-csrf-token': await csrfOf(client) },
  );
}

before(async () => {
  server = await startTestServer();
  const organisation = (await server.organisations.findAll())[0];
  if (!organisation) throw new Error('no city');
  organisationId = organisation.id;
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  };
  const row = await server.ctx.db
    .insertInto('places_district')
    .values({
      organisation_id: organisationId,
      kind: 'district',
      code: 'north',
      parent_id: null,
      name: JSON.stringify({ en: 'North' }),
      geometry: JSON.stringify(square),
      min_lng: 0,
      min_lat: 0,
      max_lng: 1,
      max_lat: 1,
      population: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  districtId = row.id;
  const signedIn = await signedInClient(server, { role: 'admin' });
  admin = { client: signedIn.client, csrf: await csrfOf(signedIn.client) };
});
after(() => server.close());

describe('census import', () => {
  test('stores only a keyed hash of document number and birth date, never the plain values', async () => {
    const response = await importRows([
      { documentNumber: 'ab 123-456', birthDate: '1990-04-01', districtCode: 'north' },
      { documentNumber: 'ZX998877', birthDate: '12/10/1985' },
    ]);
    assert.equal(response.status, 200);
    const result = (await response.json()) as { inserted: number; updated: number; rejected: unknown[] };
    assert.deepEqual([result.inserted, result.updated, result.rejected.length], [2, 0, 0]);

    const rows = await server.ctx.db.selectFrom('verification_census').selectAll().execute();
    const everything = JSON.stringify(rows);
    for (const plain of [
      'AB123456',
      'ab 123-456',
      '123456',
      '1990-04-01',
      '1990',
      'ZX998877',
      '1985-10-12',
      '12/10/1985',
    ]) {
      assert.ok(!everything.includes(plain), `the census table must not contain "${plain}"`);
    }
    const expected = identityHash(server.config.secretKey, organisationId, 'AB123456', '1990-04-01');
    assert.ok(
      rows.some((r) => r.identity_hash === expected && r.district_id === districtId),
      'the entry is the HMAC of the normalised values',
    );
    assert.ok(
      !rows.some(
        (r) =>
          r.identity_hash ===
          identityHash('another-secret-key-of-at-least-32-chars', organisationId, 'AB123456', '1990-04-01'),
      ),
      'the hash depends on the secret key',
    );

    const again = (await (
      await importRows([{ documentNumber: 'AB123456', birthDate: '01/04/1990', districtCode: 'north' }])
    ).json()) as { inserted: number; updated: number };
    assert.deepEqual([again.inserted, again.updated], [0, 1], 'the same person imported again updates their entry');
  });

  test('reports rows it leaves out and refuses non-administrators', async () => {
    const response = await importRows([
      { documentNumber: '!!', birthDate: '1990-01-01' },
      { documentNumber: 'GOOD0001', birthDate: '1990-02-30' },
      { documentNumber: 'GOOD0002', birthDate: '1990-02-03', districtCode: 'atlantis' },
    ]);
    const result = (await response.json()) as { inserted: number; rejected: Array<{ row: number; problem: string }> };
    assert.equal(result.inserted, 0);
    assert.deepEqual(result.rejected, [
      { row: 1, problem: 'document-number' },
      { row: 2, problem: 'birth-date' },
      { row: 3, problem: 'district' },
    ]);

    const { client } = await signedInClient(server, { role: 'staff' });
    const refused = await client.json(
      'POST',
      '/api/v1/admin/census',
      { rows: [] },
      { 'x-csrf-token': await csrfOf(client) },
    );
    assert.equal(refused.status, 403);
  });

  test('imports a CSV pasted on the administration page', async () => {
    const { csrf } = await admin.client.page('/admin/verification');
    const response = await admin.client.postForm('/admin/verification/census', {
      _csrf: csrf,
      csv: 'document_number;birth_date;district\nCSV00001;1970-05-05;north\nCSV00002;1971-06-06;',
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /2 rows read: 2 added/);
  });
});

describe('verifying an account', () => {
  test('a resident on the census verifies on the page; birth year and district are kept', async () => {
    await importRows([{ documentNumber: 'PAGE0001', birthDate: '2001-07-15', districtCode: 'north' }]);
    const { client } = await signedInClient(server);
    const wrong = await client.submit('/account/verification', '/account/verification', {
      documentNumber: 'PAGE0001',
      birthDate: '2001-07-16',
    });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /No resident with this document number/);
    const right = await client.submit('/account/verification', '/account/verification', {
      documentNumber: 'page 0001',
      birthDate: '2001-07-15',
    });
    assert.equal(right.status, 303);
    const status = (await (await client.get('/api/v1/me/verification')).json()) as {
      level: string;
      birthYear: number;
      districtId: number;
      method: string;
    };
    assert.deepEqual(status, { ...status, level: 'verified', birthYear: 2001, districtId, method: 'census' });
  });

  test('one census entry backs only one account, also in the database', async () => {
    await importRows([{ documentNumber: 'ONCE0001', birthDate: '1980-01-01' }]);
    const first = await signedInClient(server);
    const second = await signedInClient(server);
    assert.equal((await verifyViaApi(first.client, 'ONCE0001', '1980-01-01')).status, 200);
    const refused = await verifyViaApi(second.client, 'ONCE0001', '1980-01-01');
    assert.equal(refused.status, 409);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'VERIFICATION_IDENTITY_IN_USE');

    const entry = await server.ctx.db
      .selectFrom('verification_identity')
      .selectAll()
      .where('user_id', '=', first.user.id)
      .executeTakeFirstOrThrow();
    await assert.rejects(
      server.ctx.db
        .insertInto('verification_identity')
        .values({
          user_id: second.user.id,
          organisation_id: organisationId,
          method: 'census',
          identity_hash: 'something-else',
          census_id: entry.census_id,
          birth_year: 1980,
          district_id: null,
          verified_by: null,
        })
        .execute(),
      (error: { code?: string }) => error.code === '23505',
      'the unique constraint refuses a second account on the same census entry',
    );
    const count = await server.ctx.db
      .selectFrom('verification_identity')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('census_id', '=', entry.census_id)
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 1);
  });

  test('staff verify a resident in person, audited without the document number', async () => {
    const resident = await buildUser(server);
    const { client } = await signedInClient(server, { role: 'staff' });
    const response = await client.submit('/admin/verification', '/admin/verification/in-person', {
      email: resident.email,
      documentNumber: 'DESK0001',
      birthDate: '1975-03-03',
      districtId: String(districtId),
    });
    assert.equal(response.status, 303);
    const verification = await server.ctx.db
      .selectFrom('verification_identity')
      .selectAll()
      .where('user_id', '=', resident.id)
      .executeTakeFirstOrThrow();
    assert.equal(verification.method, 'in_person');
    assert.equal(verification.birth_year, 1975);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .selectAll()
      .where('action', '=', 'verification.in_person')
      .where('subject_id', '=', String(resident.id))
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(audit).includes('DESK0001'));

    const resident2 = await buildUser(server);
    const twice = await client.submit('/admin/verification', '/admin/verification/in-person', {
      email: resident2.email,
      documentNumber: 'desk-0001',
      birthDate: '1975-03-03',
      districtId: '',
    });
    assert.equal(twice.status, 422, 'the same identity cannot back a second account in person either');

    const resident3 = await signedInClient(server);
    const forbidden = await resident3.client.submit('/account', '/admin/verification/in-person', {
      email: resident.email,
      documentNumber: 'DESK0002',
      birthDate: '1975-03-03',
    });
    assert.equal(forbidden.status, 403);
  });

  test('erasing an account frees its identity and the export lists the verification', async () => {
    await importRows([{ documentNumber: 'GONE0001', birthDate: '1960-06-06' }]);
    const { client } = await signedInClient(server);
    assert.equal((await verifyViaApi(client, 'GONE0001', '1960-06-06')).status, 200);
    const exported = (await (await client.get('/api/v1/me/export')).json()) as {
      verification?: { verification: { birthYear: number } };
    };
    assert.equal(exported.verification?.verification.birthYear, 1960);
    const { csrf } = await client.page('/account');
    const deleted = await client.postForm('/account/delete', { _csrf: csrf, deletePassword: 'correct horse battery' });
    assert.equal(deleted.status, 303);
    const other = await signedInClient(server);
    assert.equal((await verifyViaApi(other.client, 'GONE0001', '1960-06-06')).status, 200);
  });
});

describe('eligibility', () => {
  test('tells each reason apart', async () => {
    const db = server.ctx.db;
    assert.deepEqual(await checkEligibility(db, organisationId, null, { level: 'email' }), {
      ok: false,
      reason: 'not-signed-in',
    });
    const unconfirmed = await buildUser(server, { confirmed: false });
    assert.deepEqual(await checkEligibility(db, organisationId, unconfirmed.id, { level: 'email' }), {
      ok: false,
      reason: 'email-not-confirmed',
    });
    const plain = await buildUser(server);
    assert.deepEqual(await checkEligibility(db, organisationId, plain.id, { level: 'email' }), { ok: true });
    assert.deepEqual(await checkEligibility(db, organisationId, plain.id, { level: 'verified' }), {
      ok: false,
      reason: 'not-verified',
    });

    await importRows([
      { documentNumber: 'YOUTH001', birthDate: `${new Date().getUTCFullYear() - 16}-02-02`, districtCode: 'north' },
    ]);
    const { client, user } = await signedInClient(server);
    assert.equal((await verifyViaApi(client, 'YOUTH001', `${new Date().getUTCFullYear() - 16}-02-02`)).status, 200);
    assert.deepEqual(
      await checkEligibility(db, organisationId, user.id, { level: 'verified', minAge: 14, maxAge: 18 }),
      { ok: true },
    );
    assert.deepEqual(await checkEligibility(db, organisationId, user.id, { level: 'verified', minAge: 18 }), {
      ok: false,
      reason: 'age',
    });
    assert.deepEqual(
      await checkEligibility(db, organisationId, user.id, { level: 'verified', districtIds: [districtId] }),
      { ok: true },
    );
    assert.deepEqual(
      await checkEligibility(db, organisationId, user.id, { level: 'verified', districtIds: [districtId + 1000] }),
      { ok: false, reason: 'district' },
    );
  });
});
