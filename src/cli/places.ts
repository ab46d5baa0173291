import { readFileSync } from 'node:fs';
import { findDistricts, importDistricts } from '../modules/places/index.ts';
import { chooseCity, openDatabaseForCli, option } from './cli-support.ts';

const USAGE = `Usage:
  npm run places -- import FILE.geojson [--org SLUG]   import or update districts and neighbourhoods
  npm run places -- list [--org SLUG]                  list them

Each GeoJSON feature needs a Polygon or MultiPolygon and the properties "code" and "name"
(a text, or { "en": "…", "it": "…" }); optional "kind" (district | neighbourhood), "parent"
(the code of its district) and "population".`;

/** `npm run places`: imports district outlines from GeoJSON into a city. */
async function main(args: string[]): Promise<number> {
  const [command, file] = args;
  if (command !== 'import' && command !== 'list') {
    console.error(USAGE);
    return 2;
  }
  if (command === 'import' && (!file || file.startsWith('--'))) {
    console.error(USAGE);
    return 2;
  }
  let collection: unknown;
  if (command === 'import') {
    try {
      collection = JSON.parse(readFileSync(file as string, 'utf8'));
    } catch (error) {
      console.error(`Cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
  }
  const database = await openDatabaseForCli();
  try {
    const organisation = await chooseCity(database, option(args, '--org'));
    if (!organisation) return 1;
    if (command === 'list') {
      for (const district of await findDistricts(database.db, organisation.id)) {
        console.log(`${district.kind.padEnd(13)} ${district.code.padEnd(24)} ${Object.values(district.name)[0] ?? ''}`);
      }
      return 0;
    }
    const outcome = await importDistricts(database.db, organisation.id, collection, organisation.defaultLanguage);
    if (!outcome.ok) {
      console.error(`Nothing was imported. Fix these problems:\n${outcome.problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    }
    console.log(`Imported into ${organisation.slug}: ${outcome.created} new, ${outcome.updated} updated.`);
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
