import { readFileSync } from 'node:fs';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { importAddressFile } from './import-addresses.ts';
import { importDistricts } from './import-districts.ts';
import { importStreets } from './import-streets.ts';

const DISTRICTS = [
  {
    code: 'old-town',
    name: { en: 'Old Town', it: 'Città Vecchia', fr: 'Vieille Ville', ro: 'Orașul Vechi', de: 'Altstadt' },
    population: 18400,
    parts: [
      { en: 'Cathedral Quarter', it: 'Quartiere del Duomo' },
      { en: 'Market Lanes', it: 'Vicoli del Mercato' },
    ],
  },
  {
    code: 'harbour',
    name: { en: 'Harbour', it: 'Porto', fr: 'Port', ro: 'Portul', de: 'Hafen' },
    population: 22100,
    parts: [
      { en: 'Fishermen’s Wharf', it: 'Molo dei Pescatori' },
      { en: 'Shipyards', it: 'Cantieri' },
    ],
  },
  {
    code: 'riverside',
    name: { en: 'Riverside', it: 'Lungofiume', fr: 'Bord de rivière', ro: 'Malul Râului', de: 'Flussufer' },
    population: 26800,
    parts: [
      { en: 'Mill Gardens', it: 'Giardini del Mulino' },
      { en: 'Willow Bank', it: 'Riva dei Salici' },
    ],
  },
  {
    code: 'north-hills',
    name: { en: 'North Hills', it: 'Colline Nord', fr: 'Collines du Nord', ro: 'Dealurile de Nord', de: 'Nordhügel' },
    population: 15300,
    parts: [
      { en: 'Vineyard Slope', it: 'Costa delle Vigne' },
      { en: 'Observatory', it: 'Osservatorio' },
    ],
  },
  {
    code: 'station',
    name: { en: 'Station', it: 'Stazione', fr: 'Gare', ro: 'Gara', de: 'Bahnhof' },
    population: 29700,
    parts: [
      { en: 'Railway Yards', it: 'Scalo Ferroviario' },
      { en: 'New Square', it: 'Piazza Nuova' },
    ],
  },
  {
    code: 'university',
    name: { en: 'University', it: 'Università', fr: 'Université', ro: 'Universitate', de: 'Universität' },
    population: 21900,
    parts: [
      { en: 'Campus', it: 'Campus' },
      { en: 'Botanical Garden', it: 'Orto Botanico' },
    ],
  },
];

/** The demo city's outline split into six districts of two neighbourhoods each, around its map centre. */
export function demoDistrictCollection(center: { lat: number; lng: number }) {
  const columns = 3;
  const width = 0.024; // degrees of longitude per district
  const height = 0.018;
  const west = center.lng - (columns * width) / 2;
  const north = center.lat + height;
  const features: unknown[] = [];
  DISTRICTS.forEach((district, index) => {
    const col = index % columns;
    const row = Math.floor(index / columns);
    const x0 = west + col * width;
    const y0 = north - row * height;
    const box = (a: number, b: number) => [
      [
        [a, y0],
        [b, y0],
        [b, y0 - height],
        [a, y0 - height],
        [a, y0],
      ],
    ];
    features.push({
      type: 'Feature',
      properties: { code: district.code, kind: 'district', name: district.name, population: district.population },
      geometry: { type: 'Polygon', coordinates: box(x0, x0 + width) },
    });
    district.parts.forEach((part, half) => {
      features.push({
        type: 'Feature',
        properties: { code: `${district.code}-${half + 1}`, kind: 'neighbourhood', parent: district.code, name: part },
        geometry: { type: 'Polygon', coordinates: box(x0 + (half * width) / 2, x0 + ((half + 1) * width) / 2) },
      });
    });
  });
  return { type: 'FeatureCollection', features };
}

export async function seedPlaces(ctx: AppContext, organisation: Organisation): Promise<void> {
  const outcome = await importDistricts(
    ctx.db,
    organisation.id,
    demoDistrictCollection(organisation.map),
    organisation.defaultLanguage,
  );
  if (!outcome.ok) throw new Error(`demo districts are invalid: ${outcome.problems.join('; ')}`);
  // the demo's address register and street lines, imported like a real city's files (demo/generate-addresses.ts)
  const folder = new URL('./demo/', import.meta.url);
  const register = readFileSync(new URL('addresses.csv', folder), 'utf8');
  const addresses = await importAddressFile(ctx.db, organisation.id, 'addresses.csv', register);
  if (!addresses.ok) throw new Error(`demo addresses are invalid: ${addresses.problems.join('; ')}`);
  const lines = JSON.parse(readFileSync(new URL('streets.geojson', folder), 'utf8')) as unknown;
  const streets = await importStreets(ctx.db, organisation.id, lines, organisation.defaultLanguage);
  if (!streets.ok) throw new Error(`demo streets are invalid: ${streets.problems.join('; ')}`);
}
