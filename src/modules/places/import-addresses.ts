import type { Db } from '../../platform/db/database.ts';
import { rebuildStreetIndex, upsertAddresses, type AddressInput } from './addresses.repository.ts';

export type AddressFileOutcome = { ok: true; addresses: AddressInput[] } | { ok: false; problems: string[] };
export type AddressImportOutcome =
  { ok: true; created: number; updated: number; total: number } | { ok: false; problems: string[] };

/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 25;

/**
 * Reads an address register: OpenAddresses CSV (LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,
 * POSTCODE,ID,HASH; upper or lower case, comma or semicolon; extra STREET:<lang> columns for a street's
 * name in another language) or GeoJSON (points, or building outlines placed at their middle) with the
 * properties number/street/unit/postcode/city/district/id or OpenStreetMap's addr:housenumber,
 * addr:street (addr:place when there is no street), addr:unit, addr:postcode, addr:city, addr:suburb,
 * and addr:street:<lang>. The format is told by the file's name, else by its first character. Every
 * problem is listed with its line (CSV) or feature number (GeoJSON); a file with any problem gives no
 * address.
 */
export function readAddressFile(name: string, text: string): AddressFileOutcome {
  const body = text.replace(/^\uFEFF/, '');
  const json = /\.(geo)?json$/i.test(name) || (!/\.csv$/i.test(name) && body.trimStart().startsWith('{'));
  const problems: string[] = [];
  const addresses = json ? readGeoJson(body, problems) : readCsv(body, problems);
  if (problems.length === 0 && addresses.length === 0) problems.push('the file holds no address');
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
    return { ok: false, problems: shown };
  }
  // the register's last word on an address counts: a key given twice keeps its last row
  const byKey = new Map<string, AddressInput>();
  for (const address of addresses) byKey.set(address.sourceKey, address);
  return { ok: true, addresses: [...byKey.values()] };
}

/** Writes a register read by `readAddressFile` into a city, in one transaction, and rebuilds its street index. */
export async function importAddresses(
  db: Db,
  organisationId: number,
  addresses: AddressInput[],
): Promise<AddressImportOutcome> {
  let created = 0;
  await db.transaction().execute(async (tx) => {
    created = await upsertAddresses(tx, organisationId, addresses);
    await rebuildStreetIndex(tx, organisationId);
  });
  return { ok: true, created, updated: addresses.length - created, total: addresses.length };
}

/** Reads and imports a file: nothing is written when it has a problem. */
export async function importAddressFile(
  db: Db,
  organisationId: number,
  name: string,
  text: string,
): Promise<AddressImportOutcome> {
  const read = readAddressFile(name, text);
  return read.ok ? importAddresses(db, organisationId, read.addresses) : read;
}

interface Fields {
  lng: unknown;
  lat: unknown;
  number: string;
  street: string;
  streetNames: Record<string, string>;
  unit: string;
  postcode: string;
  city: string;
  district: string;
  id: string;
}

/** A coordinate given as a number (GeoJSON) or a text (CSV); anything else is not a number. */
function coordinate(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : Number.NaN;
}

/** One address from its fields, or a problem (said without the place: the caller adds the line). */
function toAddress(fields: Fields): AddressInput | string {
  const lng = coordinate(fields.lng);
  const lat = coordinate(fields.lat);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180)
    return 'the longitude and latitude must be decimal degrees (WGS 84)';
  if (lat === 0 && lng === 0) return 'the position 0,0 is not an address';
  const street = fields.street.trim();
  if (!street) return 'the street is missing';
  if (street.length > 200) return 'the street is longer than 200 characters';
  const number = fields.number.trim().slice(0, 40);
  const unit = fields.unit.trim().slice(0, 40);
  const sourceKey = fields.id.trim() || `${street}|${number}|${unit}`.toLowerCase();
  return {
    sourceKey: sourceKey.slice(0, 300),
    street,
    streetNames: fields.streetNames,
    number,
    unit,
    postcode: fields.postcode.trim().slice(0, 20),
    city: fields.city.trim().slice(0, 100),
    district: fields.district.trim().slice(0, 100),
    lat: Math.round(lat * 1e7) / 1e7,
    lng: Math.round(lng * 1e7) / 1e7,
  };
}

function readCsv(text: string, problems: string[]): AddressInput[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) {
    problems.push('the file is empty');
    return [];
  }
  const names = header.fields.map((field) => field.trim().toUpperCase());
  const column = (name: string) => names.indexOf(name);
  const missing = ['LON', 'LAT', 'STREET'].filter((name) => column(name) < 0);
  if (missing.length > 0) {
    problems.push(
      `line 1: the header needs the columns ${missing.join(', ')} (OpenAddresses: LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH)`,
    );
    return [];
  }
  const languageColumns = names.flatMap((name, index) => {
    const match = /^STREET[:_]([A-Z]{2,3})$/.exec(name);
    return match ? [{ lang: (match[1] as string).toLowerCase(), index }] : [];
  });
  const addresses: AddressInput[] = [];
  for (const row of rows.slice(1)) {
    if (row.unterminated) {
      problems.push(`line ${row.line}: a quoted field is not closed`);
      continue;
    }
    const get = (name: string) => {
      const index = column(name);
      return index < 0 ? '' : (row.fields[index] ?? '');
    };
    if (row.fields.length !== names.length) {
      problems.push(`line ${row.line}: ${row.fields.length} fields where the header has ${names.length}`);
      continue;
    }
    const streetNames: Record<string, string> = {};
    for (const { lang, index } of languageColumns) {
      const value = row.fields[index]?.trim();
      if (value) streetNames[lang] = value;
    }
    const address = toAddress({
      lng: get('LON'),
      lat: get('LAT'),
      number: get('NUMBER'),
      street: get('STREET'),
      streetNames,
      unit: get('UNIT'),
      postcode: get('POSTCODE'),
      city: get('CITY'),
      district: get('DISTRICT'),
      id: get('ID') || get('HASH'),
    });
    if (typeof address === 'string') problems.push(`line ${row.line}: ${address}`);
    else addresses.push(address);
  }
  return addresses;
}

/** RFC 4180 records with the line each starts on; the delimiter (comma or semicolon) from the header. */
function parseCsv(text: string): Array<{ line: number; fields: string[]; unterminated?: boolean }> {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records: Array<{ line: number; fields: string[]; unterminated?: boolean }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      quoted = true;
      any = true;
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
      any = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      if (any || field !== '') records.push({ line: start, fields: [...fields, field] });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += char;
      any = true;
    }
  }
  if (any || field !== '')
    records.push({ line: start, fields: [...fields, field], ...(quoted ? { unterminated: true } : {}) });
  return records;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** Where an address of this geometry is: the point, or the middle of a building's outer ring. */
function positionOf(geometry: unknown): [unknown, unknown] | undefined {
  if (!isRecord(geometry) || !Array.isArray(geometry.coordinates)) return undefined;
  const coordinates: unknown[] = geometry.coordinates;
  let ring: unknown;
  if (geometry.type === 'Point') return [coordinates[0], coordinates[1]];
  if (geometry.type === 'Polygon') ring = coordinates[0];
  else if (geometry.type === 'MultiPolygon') ring = Array.isArray(coordinates[0]) ? coordinates[0][0] : undefined;
  else return undefined;
  if (!Array.isArray(ring) || ring.length === 0) return undefined;
  const points = ring.filter((p): p is number[] => Array.isArray(p) && p.every((c) => typeof c === 'number'));
  if (points.length === 0) return undefined;
  return [
    points.reduce((sum, p) => sum + (p[0] ?? 0), 0) / points.length,
    points.reduce((sum, p) => sum + (p[1] ?? 0), 0) / points.length,
  ];
}

function readGeoJson(body: string, problems: string[]): AddressInput[] {
  let collection: unknown;
  try {
    collection = JSON.parse(body);
  } catch (error) {
    problems.push(`the file is not JSON: ${(error as Error).message}`);
    return [];
  }
  if (!isRecord(collection) || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    problems.push('the file must be a GeoJSON FeatureCollection');
    return [];
  }
  const addresses: AddressInput[] = [];
  (collection.features as unknown[]).forEach((feature, index) => {
    const where = `feature ${index + 1}`;
    if (!isRecord(feature)) {
      problems.push(`${where}: not a GeoJSON Feature`);
      return;
    }
    const p = isRecord(feature.properties) ? feature.properties : {};
    const position = positionOf(feature.geometry);
    if (!position) {
      problems.push(`${where}: the geometry must be a Point (or a building's Polygon)`);
      return;
    }
    const streetNames: Record<string, string> = {};
    for (const [key, value] of Object.entries(p)) {
      const match = /^(?:addr:)?street:([a-z]{2,3})$/.exec(key);
      if (match && typeof value === 'string' && value.trim()) streetNames[match[1] as string] = value.trim();
    }
    const address = toAddress({
      lng: position[0],
      lat: position[1],
      number: text(p.number ?? p['addr:housenumber'] ?? p.housenumber),
      street: text(p.street ?? p['addr:street'] ?? p['addr:place']),
      streetNames,
      unit: text(p.unit ?? p['addr:unit']),
      postcode: text(p.postcode ?? p['addr:postcode']),
      city: text(p.city ?? p['addr:city']),
      district: text(p.district ?? p['addr:suburb']),
      id: text(p.id ?? p.hash ?? p['@id'] ?? feature.id),
    });
    if (typeof address === 'string') problems.push(`${where}: ${address}`);
    else addresses.push(address);
  });
  return addresses;
}
