/**
 * Writes the demo city's address register (addresses.csv, OpenAddresses columns) from its street lines
 * (streets.geojson): each street's `numbers` houses spread along it, odd numbers on the left and even on
 * the right, a few metres off the line. Run again after changing the streets:
 *
 *   npx node src/modules/places/demo/generate-addresses.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface StreetFeature {
  properties: { id: string; name: string; numbers: number; [key: string]: unknown };
  geometry: { type: 'LineString'; coordinates: number[][] };
}

const folder = new URL('./', import.meta.url);
const collection = JSON.parse(readFileSync(new URL('streets.geojson', folder), 'utf8')) as {
  features: StreetFeature[];
};
const languages = [
  ...new Set(
    collection.features.flatMap((feature) =>
      Object.keys(feature.properties).flatMap((key) => /^name:([a-z]{2,3})$/.exec(key)?.[1] ?? []),
    ),
  ),
].sort();
const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const lines = [
  ['LON', 'LAT', 'NUMBER', 'STREET', 'UNIT', 'CITY', 'DISTRICT', 'REGION', 'POSTCODE', 'ID', 'HASH']
    .concat(languages.map((lang) => `STREET:${lang.toUpperCase()}`))
    .join(','),
];
const OFFSET = 0.00008; // about 8 m of latitude
for (const feature of collection.features) {
  const [a, b] = feature.geometry.coordinates as [number[], number[]];
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const length = Math.hypot(bx - ax, by - ay) || 1;
  // the unit normal to the street's direction (left of it)
  const [nx, ny] = [-(by - ay) / length, (bx - ax) / length];
  const count = feature.properties.numbers;
  for (let number = 1; number <= count; number++) {
    const share = count <= 1 ? 0.5 : (number - 1) / (count - 1);
    const side = number % 2 === 1 ? 1 : -1;
    const lng = ax + (bx - ax) * share + nx * OFFSET * side;
    const lat = ay + (by - ay) * share + ny * OFFSET * side;
    const names = languages.map((lang) => {
      const value = feature.properties[`name:${lang}`];
      return typeof value === 'string' ? quote(value) : '';
    });
    lines.push(
      [
        lng.toFixed(7),
        lat.toFixed(7),
        String(number),
        quote(feature.properties.name),
        '',
        'Valmora',
        '',
        '',
        '',
        `${feature.properties.id}-${number}`,
        '',
        ...names,
      ].join(','),
    );
  }
}
writeFileSync(new URL('addresses.csv', folder), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.length - 1} addresses written.\n`);
