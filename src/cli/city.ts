import { readFileSync } from 'node:fs';
import { boundingBox, importDistricts, type PolygonGeometry } from '../modules/places/index.ts';
import { checkNewCity, createCity, type CitySetUp, type NewCity } from '../platform/organisations/operator.ts';
import { OrganisationRepository } from '../platform/organisations/organisations.ts';
import { cityUrl } from '../platform/organisations/urls.ts';
import { openDatabaseForCli } from './cli-support.ts';

const USAGE = `Usage:
  npm run city -- create --name NAME --host HOST [--url PUBLIC_URL] [--languages it,en]
                         [--time-zone Europe/Rome] [--districts FILE.geojson] [--slug SLUG]
                                          create an empty city (no demo content) served on HOST
  npm run city -- list                    list the cities: slug, name, hosts, address, languages, time zone

HOST is the host name residents reach the city on (participate.city.example); --url the address its
mails, feeds and share cards link to (https://participate.city.example; without it, HOST with the
scheme and port of PUBLIC_URL). The first of --languages is the default (English when none is given);
--time-zone is an IANA name (Europe/Brussels when none is given). --districts imports the city's districts
from GeoJSON (see npm run places) and centres its map on them. Nothing is created when anything is wrong.
Then make its first administrator: npm run admin -- create --org SLUG --email …`;

const ACTOR = 'system (npm run city)';

/** The value of an option, or a message when it is given without one. */
function valueOf(args: string[], name: string): { value: string | undefined } | { missing: string } {
  const index = args.indexOf(name);
  if (index < 0) return { value: undefined };
  const value = args[index + 1];
  return value === undefined || value.startsWith('--') ? { missing: name } : { value };
}

/** The centre of the districts' outlines, for the city's map; undefined when none has a readable outline. */
function centreOf(collection: unknown): { lat: number; lng: number } | undefined {
  const features = (collection as { features?: unknown }).features;
  if (!Array.isArray(features)) return undefined;
  const box = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
  for (const feature of features) {
    const geometry = (feature as { geometry?: { type?: unknown } } | null)?.geometry;
    if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') continue;
    try {
      const one = boundingBox(geometry as PolygonGeometry);
      box.minLng = Math.min(box.minLng, one.minLng);
      box.maxLng = Math.max(box.maxLng, one.maxLng);
      box.minLat = Math.min(box.minLat, one.minLat);
      box.maxLat = Math.max(box.maxLat, one.maxLat);
    } catch {
      // the import says what is wrong with this feature
    }
  }
  const lat = (box.minLat + box.maxLat) / 2;
  const lng = (box.minLng + box.maxLng) / 2;
  return Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180
    ? { lat, lng }
    : undefined;
}

async function create(args: string[]): Promise<number> {
  const names = ['--name', '--host', '--url', '--languages', '--time-zone', '--districts', '--slug'];
  const values: Record<string, string | undefined> = {};
  for (const name of names) {
    const read = valueOf(args, name);
    if ('missing' in read) {
      console.error(`The city was not created: ${read.missing} needs a value.\n\n${USAGE}`);
      return 2;
    }
    values[name] = read.value;
  }
  const unknown = args.slice(1).find((arg) => arg.startsWith('--') && !names.includes(arg));
  if (unknown) {
    console.error(`The city was not created: unknown option ${unknown}.\n\n${USAGE}`);
    return 2;
  }
  if (!values['--name'] || !values['--host']) {
    console.error(`The city was not created: --name and --host are required.\n\n${USAGE}`);
    return 2;
  }
  let districts: unknown;
  const file = values['--districts'];
  // read first: a file that cannot be read stops everything before the database is opened
  if (file !== undefined) {
    try {
      districts = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      console.error(`The city was not created: cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
  }
  let imported = 0;
  const setUp: CitySetUp | undefined =
    districts === undefined
      ? undefined
      : async (tx, organisation) => {
          const outcome = await importDistricts(tx, organisation.id, districts, organisation.defaultLanguage);
          if (!outcome.ok)
            return {
              ok: false,
              problem: `${file} has problems:\n${outcome.problems.map((p) => `  - ${p}`).join('\n')}`,
            };
          imported = outcome.created;
          return { ok: true };
        };
  const input: NewCity = {
    name: values['--name'],
    host: values['--host'],
    url: values['--url'],
    languages: values['--languages']
      ?.split(',')
      .map((language) => language.trim())
      .filter(Boolean),
    timeZone: values['--time-zone'],
    slug: values['--slug'],
    center: districts === undefined ? undefined : centreOf(districts),
  };
  // what needs no database is refused before it is opened
  const checked = checkNewCity(input);
  if (!checked.ok) {
    console.error(`The city was not created: ${checked.problem}.`);
    return 1;
  }
  const database = await openDatabaseForCli();
  try {
    const outcome = await createCity(database.db, new OrganisationRepository(database.db), input, ACTOR, setUp);
    if (!outcome.ok) {
      console.error(`The city was not created: ${outcome.problem}.`);
      return 1;
    }
    const city = outcome.organisation;
    console.log(
      `Created the city ${city.slug} at ${cityUrl(database.config, city).origin} (hosts: ${city.hosts.join(', ')}; languages: ${city.languages.join(', ')}; time zone: ${city.timeZone}${file ? `; ${imported} districts` : ''}).`,
    );
    console.log(
      `Next: npm run admin -- create --org ${city.slug} --email …, then sign in and open /admin/first-steps.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

async function list(): Promise<number> {
  const database = await openDatabaseForCli();
  try {
    const cities = await new OrganisationRepository(database.db).findAll();
    const rows = cities.map((city) => [
      city.slug,
      city.name[city.defaultLanguage] ?? Object.values(city.name)[0] ?? '',
      city.hosts.join(',') || '—',
      cityUrl(database.config, city).origin + (city.publicUrl ? '' : ' (not set)'),
      city.languages.join(','),
      city.timeZone,
      city.isDefault ? 'default' : '',
    ]);
    const header = ['SLUG', 'NAME', 'HOSTS', 'PUBLIC URL', 'LANGUAGES', 'TIME ZONE', ''];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    for (const row of [header, ...rows])
      console.log(
        row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd(),
      );
    return 0;
  } finally {
    await database.close();
  }
}

/** `npm run city`: a new city from nothing, and the list of the installation's cities. */
async function main(args: string[]): Promise<number> {
  const [command] = args;
  if (command === 'create') return create(args);
  if (command === 'list') return list();
  console.error(USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
