import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importDistricts } from '../../src/modules/places/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ demo: true });
});
after(() => server.close());

test('finds the district and neighbourhood that contain a point', async () => {
  // the demo's Old Town is the north-west district; its first neighbourhood is its western half
  const response = await fetch(`${server.url}/api/v1/districts/lookup?lat=44.11&lng=9.79`);
  assert.equal(response.status, 200);
  const { districts } = (await response.json()) as { districts: Array<{ code: string; kind: string }> };
  assert.deepEqual(districts.map((d) => d.code).sort(), ['old-town', 'old-town-1']);
  const outside = (await (await fetch(`${server.url}/api/v1/districts/lookup?lat=10&lng=10`)).json()) as {
    districts: unknown[];
  };
  assert.deepEqual(outside.districts, []);
});

test('serves the outlines as GeoJSON named in the reader’s language', async () => {
  const response = await fetch(`${server.url}/api/v1/districts.geojson?lang=it`);
  assert.match(response.headers.get('content-type') ?? '', /application\/geo\+json/);
  const collection = (await response.json()) as {
    type: string;
    features: Array<{ properties: { code: string; name: string }; geometry: { type: string } }>;
  };
  assert.equal(collection.type, 'FeatureCollection');
  assert.equal(collection.features.length, 18);
  assert.equal(collection.features.find((f) => f.properties.code === 'old-town')?.properties.name, 'Città Vecchia');
});

test('imports nothing when one feature is invalid, and says which', async () => {
  const organisation = (await server.organisations.findAll())[0];
  assert.ok(organisation);
  const outcome = await importDistricts(
    server.ctx.db,
    organisation.id,
    {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'fine', name: 'Fine' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
        { type: 'Feature', properties: { name: 'No code' }, geometry: { type: 'Point', coordinates: [0, 0] } },
        {
          type: 'Feature',
          properties: { code: 'far', name: 'Far' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [200, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
      ],
    },
    'en',
  );
  assert.equal(outcome.ok, false);
  assert.ok(outcome.problems.some((p) => p.startsWith('feature 2: a "code"')));
  assert.ok(outcome.problems.some((p) => p.startsWith('feature 3: position')));
  const fine = await server.ctx.db
    .selectFrom('places_district')
    .select('id')
    .where('code', '=', 'fine')
    .executeTakeFirst();
  assert.equal(fine, undefined);
});
