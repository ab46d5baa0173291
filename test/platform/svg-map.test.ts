import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  areaLayer,
  boxAround,
  featureLayer,
  linkLayer,
  mapFigure,
  MapProjection,
  positionsOf,
  simplifyRing,
  type AreaGeometry,
} from '../../src/platform/web/svg-map.ts';

/** The maps every module draws on the server: the projection, the framing and the layers. */

const square = (lng: number, lat: number, size: number): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

describe('the server-drawn map', () => {
  test('the projection spans 1000 units across the box, north up, and turns positions back into coordinates', () => {
    const projection = new MapProjection({ minLat: 45.0, maxLat: 45.2, minLng: 9.0, maxLng: 9.4 });
    assert.equal(projection.x(9.0), 0);
    assert.equal(projection.x(9.4), 1000);
    assert.equal(projection.y(45.2), 0, 'north at the top');
    assert.equal(projection.y(45.0), projection.height);
    // 0.4° of longitude against 0.2° of latitude at 45°N: about 1000 × (0.2 / cos 45°) / 0.4 ≈ 707 units high
    assert.ok(Math.abs(projection.height - 707) <= 2, `height ${projection.height}`);
    assert.ok(Math.abs(projection.lng(projection.x(9.1234)) - 9.1234) < 1e-3);
    assert.ok(Math.abs(projection.lat(projection.y(45.0777)) - 45.0777) < 1e-3);
    assert.equal(
      projection.path(
        [
          [9.0, 45.2],
          [9.4, 45.2],
          [9.4, 45.0],
        ],
        true,
      ),
      `M0,0L1000,0L1000,${projection.height}Z`,
    );
  });

  test('the box frames every position with a margin, and falls back on the city centre when there is nothing to frame', () => {
    const box = boxAround(
      [
        [9.0, 45.0],
        [9.4, 45.2],
        [9.2, 45.1],
      ],
      { lat: 0, lng: 0 },
      0.05,
    );
    assert.ok(Math.abs(box.minLng - 8.98) < 1e-9 && Math.abs(box.maxLng - 9.42) < 1e-9);
    assert.ok(Math.abs(box.minLat - 44.99) < 1e-9 && Math.abs(box.maxLat - 45.21) < 1e-9);
    const center = { lat: 45.1, lng: 9.2 };
    for (const positions of [
      [],
      [[9.2, 45.1]],
      [
        [9.2, 45.1],
        [9.2, 45.1],
      ],
    ]) {
      const fallback = boxAround(positions, center);
      assert.ok(
        fallback.minLat < center.lat &&
          center.lat < fallback.maxLat &&
          fallback.minLng < center.lng &&
          center.lng < fallback.maxLng,
        JSON.stringify(positions),
      );
    }
  });

  test('positions of every geometry type are flattened', () => {
    assert.deepEqual(positionsOf({ type: 'Point', coordinates: [1, 2] }), [[1, 2]]);
    assert.deepEqual(
      positionsOf({
        type: 'LineString',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
      [
        [1, 2],
        [3, 4],
      ],
    );
    assert.deepEqual(positionsOf({ type: 'MultiLineString', coordinates: [[[1, 2]], [[3, 4]]] }), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(
      positionsOf({
        type: 'MultiPolygon',
        coordinates: [square(0, 0, 1).coordinates as number[][][], square(5, 5, 1).coordinates as number[][][]],
      }).length,
      10,
    );
  });

  test('districts are outlined and labelled, a chosen one has its class; labels and titles are escaped', () => {
    const projection = new MapProjection({ minLat: 0, maxLat: 2, minLng: 0, maxLng: 2 });
    const areas = [
      { id: 1, geometry: square(0, 0, 1), name: 'North <b>& Co' },
      {
        id: 2,
        geometry: {
          type: 'MultiPolygon',
          coordinates: [
            square(1, 1, 0.5).coordinates as number[][][],
            square(1.6, 1.6, 0.2).coordinates as number[][][],
          ],
        } as AreaGeometry,
        name: 'Islands',
      },
    ];
    const layer = areaLayer(projection, areas, {
      label: (a) => a.name,
      className: (a) => (a.id === 2 ? 'map-heading' : undefined),
    }).value;
    assert.match(layer, /^<g class="map-districts" aria-hidden="true">/);
    assert.equal((layer.match(/<path /g) ?? []).length, 2, 'one path per district');
    assert.match(
      layer,
      /<path d="(M[\d.,L]+Z){2}" class="map-heading">/,
      'a multi-polygon is one path of two rings, with its class',
    );
    assert.match(layer, /<text [^>]+>North &lt;b&gt;&amp; Co<\/text>/);
    assert.doesNotMatch(areaLayer(projection, areas).value, /<text/, 'no labels unless asked');

    const links = linkLayer(projection, [
      {
        href: '/proposals/7',
        title: 'Benches "now" <script>',
        lat: 0.5,
        lng: 0.5,
        className: 'map-proposal',
        radius: 11,
      },
    ]).value;
    assert.match(
      links,
      /<a href="\/proposals\/7" class="map-proposal"><title>Benches &quot;now&quot; &lt;script&gt;<\/title><circle cx="250" cy="[\d.]+" r="11"><\/circle><\/a>/,
    );
  });

  test('a plan’s features: areas filled, lines stroked, points as squares, each named', () => {
    const projection = new MapProjection({ minLat: 0, maxLat: 2, minLng: 0, maxLng: 2 });
    const layer = featureLayer(
      projection,
      [
        { name: 'Park', geometry: square(0, 0, 1) },
        {
          name: 'Tram line',
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [2, 2],
            ],
          },
        },
        {
          name: 'Sites',
          geometry: {
            type: 'MultiPoint',
            coordinates: [
              [1, 1],
              [1.5, 1.5],
            ],
          },
        },
      ],
      'map-plan',
    ).value;
    assert.match(layer, /<path class="map-plan__area" d="M[\d.,L]+Z" fill-rule="evenodd">/);
    assert.match(layer, /<path class="map-plan__line" d="M0,\d+(\.\d)?L1000,0" fill="none">/);
    assert.equal((layer.match(/<rect class="map-plan__point"/g) ?? []).length, 2);
    for (const name of ['Park', 'Tram line', 'Sites']) assert.match(layer, new RegExp(`>${name}</text>`));
  });

  test('the figure names the picture for screen readers and draws the layers in order', () => {
    const projection = new MapProjection({ minLat: 0, maxLat: 1, minLng: 0, maxLng: 1 });
    const figure = mapFigure({
      className: 'proposal-map',
      projection,
      id: 'proposal-map',
      title: 'Proposals & ideas',
      description: 'Dots are proposals',
      role: 'group',
      layers: [areaLayer(projection, [{ geometry: square(0, 0, 1) }]), linkLayer(projection, [])],
    }).value;
    assert.match(figure, /^<figure class="city-map proposal-map">/);
    assert.match(
      figure,
      /<svg viewBox="0 0 1000 \d+" role="group" aria-labelledby="proposal-map-title proposal-map-desc">/,
    );
    assert.match(
      figure,
      /<title id="proposal-map-title">Proposals &amp; ideas<\/title><desc id="proposal-map-desc">Dots are proposals<\/desc>/,
    );
    assert.ok(figure.indexOf('map-districts') < figure.indexOf('<g></g>'), 'districts under the dots');
    assert.doesNotMatch(
      mapFigure({ className: 'x', projection, id: 'x', title: 't', role: 'img', layers: [] }).value,
      /<desc|x-desc/,
    );
  });

  test('a real boundary file is simplified for the drawing: far fewer points, the same outline, holes kept', () => {
    // a district as national boundary files give it: 20,000 vertices with a jagged edge, a hole, and an islet
    // smaller than a pixel of the map
    const circle = (lng: number, lat: number, radius: number, count: number, jag: number) =>
      Array.from({ length: count + 1 }, (_, i) => {
        const angle = ((i % count) / count) * 2 * Math.PI;
        const r = radius * (1 + (i % 2 === 0 ? jag : -jag));
        return [lng + r * Math.cos(angle), lat + r * Math.sin(angle)];
      });
    const outer = circle(9.8, 44.1, 0.04, 20_000, 0.0004);
    const hole = circle(9.8, 44.1, 0.01, 2_000, 0);
    const islet = circle(9.86, 44.1, 0.00005, 50, 0);
    const projection = new MapProjection({ minLat: 44.0, maxLat: 44.2, minLng: 9.7, maxLng: 9.9 });
    const drawn = areaLayer(projection, [
      { geometry: { type: 'MultiPolygon', coordinates: [[outer, hole], [islet]] } },
    ]).value;
    const rings = [...drawn.matchAll(/M([^Z]*)Z/g)].map((m) =>
      (m[1] ?? '').split('L').map((pair) => pair.split(',').map(Number) as [number, number]),
    );
    assert.equal(rings.length, 2, 'the outline and its hole are drawn; the islet, smaller than the tolerance, is not');
    const [drawnOuter = [], drawnHole = []] = rings;
    assert.ok(drawnOuter.length < 400, `${drawnOuter.length} points drawn instead of 20,000`);
    assert.ok(drawnOuter.length > 40, 'still a round shape');
    assert.ok(drawnHole.length >= 8 && drawnHole.length < 200, `hole: ${drawnHole.length} points`);
    // every vertex of the file lies within the tolerance (and the drawing's rounding) of the drawn outline
    const distance = (p: [number, number], ring: Array<[number, number]>) =>
      Math.min(
        ...ring.map((a, i) => {
          const b = ring[(i + 1) % ring.length] as [number, number];
          const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
          const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)));
          return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
        }),
      );
    const worst = Math.max(
      ...outer
        .filter((_, i) => i % 97 === 0)
        .map(([lng = 0, lat = 0]) => distance([projection.x(lng), projection.y(lat)], drawnOuter)),
    );
    assert.ok(worst <= 0.8, `farthest vertex ${worst.toFixed(2)} units from the drawn outline`);
    assert.ok(drawn.length < 8_000, `${drawn.length} characters of SVG for a 22,000-vertex district`);
  });

  test('simplifying a ring keeps a square square and drops a ring smaller than the tolerance', () => {
    const square: Array<[number, number]> = [
      [0, 0],
      [5, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    assert.deepEqual(simplifyRing(square, 0.5), [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ]);
    assert.deepEqual(
      simplifyRing(
        [
          [0, 0],
          [0.2, 0],
          [0.2, 0.2],
          [0, 0],
        ],
        0.5,
      ),
      [],
    );
  });
});
