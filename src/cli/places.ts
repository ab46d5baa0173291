import { readFileSync } from 'node:fs';
import {
  countAddresses,
  findDistricts,
  importAddressFile,
  importDistricts,
  importStreets,
  saveGeocoderSetting,
} from '../modules/places/index.ts';
import { chooseCity, openDatabaseForCli, option } from './cli-support.ts';

const USAGE = `Usage:
  npm run places -- import FILE.geojson [--org SLUG]            import or update districts and neighbourhoods
  npm run places -- list [--org SLUG]                           list them
  npm run places -- import-addresses FILE [--org SLUG]          import or update the address register
  npm run places -- import-streets FILE.geojson [--org SLUG]    import or update street lines (for the map)
  npm run places -- geocoder register|nominatim URL|photon URL|none [--org SLUG]
                                                                choose the address search

Districts: each GeoJSON feature needs a Polygon or MultiPolygon and the properties "code" and "name"
(a text, or { "en": "…", "it": "…" }); optional "kind" (district | neighbourhood), "parent"
(the code of its district) and "population".

Addresses: OpenAddresses CSV (LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH, and
STREET:<LANG> for a street's name in another language), or GeoJSON points with number/street/… or
OpenStreetMap's addr:housenumber/addr:street/…. Importing again updates the addresses by their ID.

Streets: GeoJSON LineString or MultiLineString features with a "name" (and OpenStreetMap's name:<lang>).

Geocoder: the register (default) searches the imported addresses; nominatim and photon ask that service
(at most one request a second, answers cached a week), e.g. https://nominatim.openstreetmap.org.`;

const COMMANDS = ['import', 'list', 'import-addresses', 'import-streets', 'geocoder'];

/** `npm run places`: districts, addresses and streets of a city, and its geocoder. */
async function main(args: string[]): Promise<number> {
  const [command, file] = args;
  if (!command || !COMMANDS.includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const needsFile = command.startsWith('import');
  if (needsFile && (!file || file.startsWith('--'))) {
    console.error(USAGE);
    return 2;
  }
  let text = '';
  if (needsFile) {
    try {
      text = readFileSync(file as string, 'utf8');
    } catch (error) {
      console.error(`Cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
  }
  let geocoder: { provider: 'register' | 'nominatim' | 'photon' | 'none'; baseUrl: string | null } | undefined;
  if (command === 'geocoder') {
    const provider = file;
    if (provider === 'register' || provider === 'none') geocoder = { provider, baseUrl: null };
    else if (provider === 'nominatim' || provider === 'photon') {
      const url = args[2];
      if (!url || !/^https?:\/\/[^/\s]+/.test(url)) {
        console.error(`${provider} needs the service's address, e.g. https://nominatim.openstreetmap.org`);
        return 2;
      }
      geocoder = { provider, baseUrl: url.replace(/\/+$/, '') };
    } else {
      console.error(USAGE);
      return 2;
    }
  }
  const parseJson = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      console.error(`${file} is not JSON: ${(error as Error).message}`);
      return undefined;
    }
  };
  const database = await openDatabaseForCli();
  try {
    const organisation = await chooseCity(database, option(args, '--org'));
    if (!organisation) return 1;
    const refused = (problems: string[]) => {
      console.error(`Nothing was imported. Fix these problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    };
    switch (command) {
      case 'list':
        for (const district of await findDistricts(database.db, organisation.id))
          console.log(
            `${district.kind.padEnd(13)} ${district.code.padEnd(24)} ${Object.values(district.name)[0] ?? ''}`,
          );
        console.log(`${await countAddresses(database.db, organisation.id)} addresses in the register.`);
        return 0;
      case 'geocoder':
        if (!geocoder) return 2;
        await saveGeocoderSetting(database.db, organisation.id, geocoder.provider, geocoder.baseUrl);
        console.log(`${organisation.slug} searches addresses with: ${geocoder.provider} ${geocoder.baseUrl ?? ''}`);
        return 0;
      case 'import-addresses': {
        const outcome = await importAddressFile(database.db, organisation.id, file as string, text);
        if (!outcome.ok) return refused(outcome.problems);
        console.log(`Imported into ${organisation.slug}: ${outcome.created} new, ${outcome.updated} updated.`);
        return 0;
      }
      case 'import-streets': {
        const collection = parseJson();
        if (collection === undefined) return 1;
        const outcome = await importStreets(database.db, organisation.id, collection, organisation.defaultLanguage);
        if (!outcome.ok) return refused(outcome.problems);
        console.log(`Imported into ${organisation.slug}: ${outcome.created} new, ${outcome.updated} updated.`);
        return 0;
      }
      default: {
        const collection = parseJson();
        if (collection === undefined) return 1;
        const outcome = await importDistricts(database.db, organisation.id, collection, organisation.defaultLanguage);
        if (!outcome.ok) return refused(outcome.problems);
        console.log(`Imported into ${organisation.slug}: ${outcome.created} new, ${outcome.updated} updated.`);
        return 0;
      }
    }
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
