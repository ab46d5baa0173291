/**
 * Address search over a register of 100,000 addresses (issue 17): imports a generated register into a
 * fresh database (PGlite, or PostgreSQL with DATABASE_URL) and times searches with typos and missing
 * accents, and reverse lookups, through the city's geocoder. About a minute.
 *
 *   npx node bench/geocoder.ts            # 100,000 addresses
 *   ADDRESSES=20000 npx node bench/geocoder.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPlatform } from '../src/main.ts';
import { geocoderFor, importAddresses } from '../src/modules/places/index.ts';
import { loadConfig } from '../src/platform/config.ts';

const total = Number(process.env.ADDRESSES ?? 100_000);
const folder = mkdtempSync(path.join(tmpdir(), 'ic-geocoder-bench-'));
const result = loadConfig({
  NODE_ENV: 'production',
  DATA_DIR: folder,
  PUBLIC_URL: 'http://127.0.0.1:3000',
  LOG_LEVEL: 'silent',
  SECRET_KEY: 'bench-secret-key-0123456789abcdef-0123456789',
  DEMO_PASSWORD: 'bench-demo-password',
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
if (!result.ok) throw new Error(result.problems.join('\n'));
const platform = await buildPlatform(result.config, { demo: false, worker: false, inMemory: true });
try {
  const city = (await platform.organisations.findAll())[0];
  if (!city) throw new Error('no city');
  // street names from syllables (accents included), 50 numbers each
  const kinds = ['Via', 'Viale', 'Piazza', 'Corso', 'Vicolo', 'Strada'];
  const parts = ['San', 'Mar', 'Lù', 'Bel', 'Cà', 'Ros', 'Ver', 'Mon', 'Tè', 'Gia', 'Pol', 'Ric', 'Dò', 'Fan', 'Zer'];
  const streets = Math.ceil(total / 50);
  const names: string[] = [];
  for (let i = 0; i < streets; i++) {
    const a = parts[i % parts.length] as string;
    const b = parts[Math.floor(i / parts.length) % parts.length] as string;
    const c = parts[Math.floor(i / parts.length ** 2) % parts.length] as string;
    names.push(`${kinds[i % kinds.length]} ${a}${b.toLowerCase()}${c.toLowerCase()}`);
  }
  const addresses = [];
  for (let i = 0; i < total; i++) {
    const street = Math.floor(i / 50);
    addresses.push({
      sourceKey: `b-${i}`,
      street: names[street] as string,
      streetNames: {},
      number: String((i % 50) + 1),
      unit: '',
      postcode: '',
      city: 'Bench',
      district: '',
      lat: city.map.lat + ((street % 100) - 50) * 0.0006 + (i % 50) * 0.00001,
      lng: city.map.lng + (Math.floor(street / 100) - 10) * 0.0008,
    });
  }
  let started = performance.now();
  await importAddresses(platform.ctx.db, city.id, addresses);
  process.stdout.write(
    `imported ${total} addresses (${streets} streets) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );

  const geocoder = await geocoderFor(platform.ctx, city);
  const time = async (label: string, run: (i: number) => Promise<unknown>, count = 200) => {
    for (let i = 0; i < 10; i++) await run(i); // warm up
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      started = performance.now();
      await run(i * 37);
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    const at = (share: number) => (times[Math.floor(share * (times.length - 1))] ?? 0).toFixed(1);
    process.stdout.write(`${label.padEnd(44)} median ${at(0.5)} ms   p95 ${at(0.95)} ms\n`);
  };
  const typo = (name: string) =>
    name
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .slice(0, -1);
  await time('search "street number" (exact)', (i) => geocoder.search(`${names[i % streets]} 12`, 'it'));
  await time('search with a typo, no accents', (i) => geocoder.search(`${typo(names[i % streets] as string)} 7`, 'it'));
  await time('search a street without a number', (i) => geocoder.search(names[i % streets] as string, 'it'));
  await time('reverse (nearest address within 150 m)', (i) =>
    geocoder.reverse(city.map.lat + ((i % 100) - 50) * 0.0006, city.map.lng + ((i % 20) - 10) * 0.0008, 'it'),
  );
} finally {
  await platform.close();
  rmSync(folder, { recursive: true, force: true });
}
