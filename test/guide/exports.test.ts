import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SaxesParser } from 'saxes';
import { calendar, foldLine, placesCollection, tourGpx } from '../../src/modules/guide/exports.ts';
import { metresBetween, pathLength } from '../../src/modules/guide/geometry.ts';

/** The guide's exports: GPX 1.1 read by a strict XML parser, GeoJSON (RFC 7946), iCalendar lines. */

const stops = [
  { id: 1, code: 'OT01', name: 'Cathedral & <Square>', lat: 44.1175, lng: 9.7945, url: 'https://city.example/g/OT01' },
  { id: 2, code: 'OT02', name: 'Market "Lanes"', lat: 44.1135, lng: 9.7975, url: 'https://city.example/g/OT02' },
  { id: 3, code: 'OT03', name: 'Gate\u0001', lat: 44.1125, lng: 9.7915, url: 'https://city.example/g/OT03' },
];

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses XML strictly (saxes throws on any well-formedness error) into a small tree. */
function parseXml(xml: string): Element {
  const parser = new SaxesParser({ xmlns: true });
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: Element[] = [root];
  parser.on('opentag', (tag) => {
    const element: Element = {
      name: `{${tag.uri}}${tag.local}`,
      attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value])),
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  return root;
}

const GPX = '{http://www.topografix.com/GPX/1/1}';
const names = (element: Element) => element.children.map((child) => child.name.replace(GPX, ''));

describe('GPX 1.1', () => {
  const xml = tourGpx(
    {
      title: 'Old Town',
      description: 'A walk',
      url: 'https://city.example/guide/tours/1',
      creator: 'https://city.example/guide',
      time: new Date('2026-12-19T10:00:00Z'),
    },
    stops,
  );
  const gpx = parseXml(xml).children[0];

  test('is well-formed XML in the GPX 1.1 namespace, version 1.1 with a creator', () => {
    assert.ok(gpx);
    assert.equal(gpx.name, `${GPX}gpx`);
    assert.equal(gpx.attributes.version, '1.1');
    assert.equal(gpx.attributes.creator, 'https://city.example/guide');
  });

  test('has the elements in the order the schema requires: metadata, wpt…, rte', () => {
    assert.ok(gpx);
    assert.deepEqual(names(gpx), ['metadata', 'wpt', 'wpt', 'wpt', 'rte']);
    const metadata = gpx.children[0];
    assert.deepEqual(metadata && names(metadata), ['name', 'desc', 'link', 'time']);
    const route = gpx.children[4];
    assert.ok(route);
    assert.deepEqual(names(route), ['name', 'link', 'rtept', 'rtept', 'rtept']);
    for (const point of [...gpx.children.slice(1, 4), ...route.children.slice(2)]) {
      assert.deepEqual(names(point), ['name', 'link']);
      assert.match(point.attributes.lat ?? '', /^-?\d+\.\d{7}$/);
      assert.match(point.attributes.lon ?? '', /^-?\d+\.\d{7}$/);
    }
  });

  test('keeps the stops in order with their names escaped and forbidden characters removed', () => {
    assert.ok(gpx);
    const waypoints = gpx.children.slice(1, 4).map((point) => point.children[0]?.text);
    assert.deepEqual(waypoints, ['1. Cathedral & <Square>', '2. Market "Lanes"', '3. Gate']);
    const first = gpx.children[1];
    assert.ok(first);
    assert.equal(first.attributes.lat, '44.1175000');
    assert.equal(first.children[1]?.attributes.href, 'https://city.example/g/OT01');
  });

  test('a strict parser refuses a broken document (the check can fail)', () => {
    assert.throws(() => parseXml(xml.replace('</rte>', '')));
  });
});

describe('GeoJSON and distances', () => {
  test('points are [longitude, latitude] (RFC 7946)', () => {
    const collection = placesCollection(stops);
    assert.equal(collection.type, 'FeatureCollection');
    assert.deepEqual(collection.features[0]?.geometry.coordinates, [9.7945, 44.1175]);
  });

  test('a tour’s length is the sum of the great-circle legs', () => {
    // one degree of latitude is about 111.2 km
    assert.ok(Math.abs(metresBetween({ lat: 44, lng: 9 }, { lat: 45, lng: 9 }) - 111_195) < 50);
    const [a, b, c] = stops;
    assert.ok(a && b && c);
    const legs = metresBetween(a, b) + metresBetween(b, c);
    assert.ok(Math.abs(pathLength(stops) - legs) < 1e-6);
    assert.equal(pathLength([]), 0);
  });
});

describe('iCalendar', () => {
  test('lines end with CRLF, long lines are folded at 75 octets, texts are escaped', () => {
    const text = calendar(
      'Guide',
      [
        {
          uid: 'guide-event-1@city.example',
          title: `Walk; with, commas and a very long title ${'é'.repeat(60)}`,
          start: new Date('2026-12-20T10:00:00Z'),
          end: new Date('2026-12-20T11:00:00Z'),
          created: new Date('2026-12-01T10:00:00Z'),
          url: 'https://city.example/guide/tours/1',
          geo: { lat: 44.1, lng: 9.8 },
        },
      ],
      new Date('2026-12-19T10:00:00Z'),
    );
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
    assert.ok(text.endsWith('END:VCALENDAR\r\n'));
    for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    const unfolded = text.replace(/\r\n /g, '');
    assert.match(unfolded, /SUMMARY:Walk\\; with\\, commas/);
    assert.match(unfolded, /DTSTART:20261220T100000Z/);
    assert.match(unfolded, /GEO:44\.100000;9\.800000/);
    assert.equal(foldLine('short'), 'short');
  });
});
