import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import booleanClockwise from '@turf/boolean-clockwise';
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

type Ring = [number, number][];
interface ServedCollection {
  features: Array<{ properties: { code: string }; geometry: { type: string; coordinates: Ring[] | Ring[][] } }>;
}

/** Every ring of a served collection that breaks RFC 7946's right-hand rule, as judged by Turf. */
function wronglyWound(collection: ServedCollection): string[] {
  const wrong: string[] = [];
  for (const feature of collection.features) {
    const polygons =
      feature.geometry.type === 'Polygon'
        ? [feature.geometry.coordinates as Ring[]]
        : (feature.geometry.coordinates as Ring[][]);
    polygons.forEach((rings) =>
      rings.forEach((ring, index) => {
        // outer rings counterclockwise, holes clockwise
        if (booleanClockwise(ring) !== index > 0) wrong.push(`${feature.properties.code} ring ${index}`);
      }),
    );
  }
  return wrong;
}

test('serves outer rings counterclockwise and holes clockwise, as RFC 7946 asks, whatever the imported file had', async () => {
  const demo = (await (await fetch(`${server.url}/api/v1/districts.geojson`)).json()) as ServedCollection;
  assert.deepEqual(wronglyWound(demo), [], 'the demo city');

  const organisation = (await server.organisations.findAll())[0];
  assert.ok(organisation);
  // written the shapefile way: outer ring clockwise, its hole counterclockwise
  const outer: Ring = [
    [9.7, 44.0],
    [9.7, 44.01],
    [9.71, 44.01],
    [9.71, 44.0],
    [9.7, 44.0],
  ];
  const hole: Ring = [
    [9.702, 44.002],
    [9.708, 44.002],
    [9.708, 44.008],
    [9.702, 44.008],
    [9.702, 44.002],
  ];
  assert.equal(booleanClockwise(outer), true);
  const outcome = await importDistricts(
    server.ctx.db,
    organisation.id,
    {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'wound-the-other-way', name: 'Harbour' },
          geometry: { type: 'Polygon', coordinates: [outer, hole] },
        },
      ],
    },
    'en',
  );
  assert.equal(outcome.ok, true);
  const served = (await (await fetch(`${server.url}/api/v1/districts.geojson`)).json()) as ServedCollection;
  assert.deepEqual(wronglyWound(served), []);
  const stored = await server.ctx.db
    .selectFrom('places_district')
    .select('geometry')
    .where('code', '=', 'wound-the-other-way')
    .executeTakeFirstOrThrow();
  const rings = (stored.geometry as { coordinates: Ring[] }).coordinates;
  assert.equal(booleanClockwise(rings[0] as Ring), false, 'stored counterclockwise');
  assert.equal(booleanClockwise(rings[1] as Ring), true, 'the hole stored clockwise');
  await server.ctx.db.deleteFrom('places_district').where('code', '=', 'wound-the-other-way').execute();
});
