/**
 * Place: which district a message is about, from its coordinates (point in polygon) or else from
 * district and street names written in it (accents and case ignored, whole words only). Pure: the
 * caller passes the city's gazetteer. The point-in-polygon test is the places module's.
 */
import { containsPoint, type PolygonGeometry } from '../../places/index.ts';
import { fold, type MessageText } from './text.ts';

export { containsPoint };

export type DistrictGeometry = PolygonGeometry;

export interface GazetteerDistrict {
  id: number;
  /** The district's names (in any language, with alternative spellings). */
  names: readonly string[];
  geometry?: DistrictGeometry | null;
}

export interface GazetteerStreet {
  name: string;
  districtId: number;
}

export interface Gazetteer {
  districts: readonly GazetteerDistrict[];
  streets?: readonly GazetteerStreet[];
}

export interface PlaceMatch {
  districtId: number | null;
  /** How it was found, and the name written when it came from the text. */
  source: 'coordinates' | 'district-name' | 'street-name' | 'none';
  name?: string;
}

const namePatterns = new WeakMap<
  Gazetteer,
  Array<{ pattern: RegExp; districtId: number; name: string; source: 'district-name' | 'street-name' }>
>();

function patternsOf(
  gazetteer: Gazetteer,
): Array<{ pattern: RegExp; districtId: number; name: string; source: 'district-name' | 'street-name' }> {
  let patterns = namePatterns.get(gazetteer);
  if (patterns) return patterns;
  const entry = (name: string, districtId: number, source: 'district-name' | 'street-name') => ({
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])${fold(name)
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/[\s-]+/g, '[\\s-]+')}(?![\\p{L}\\p{N}])`,
      'u',
    ),
    districtId,
    name,
    source,
  });
  // Streets first and longest names first: "Park Street" says more than the district "Park".
  patterns = [
    ...(gazetteer.streets ?? []).map((street) => entry(street.name, street.districtId, 'street-name')),
    ...gazetteer.districts.flatMap((district) =>
      district.names.map((name) => entry(name, district.id, 'district-name')),
    ),
  ]
    .filter((candidate) => candidate.name.trim().length >= 3)
    .sort((a, b) => (a.source === b.source ? b.name.length - a.name.length : a.source === 'street-name' ? -1 : 1));
  namePatterns.set(gazetteer, patterns);
  return patterns;
}

/** The district of a message: by its coordinates when it has them and they fall in a district, else by a name in its text. */
export function locateMessage(
  gazetteer: Gazetteer,
  text: string | MessageText,
  lat?: number | null,
  lng?: number | null,
): PlaceMatch {
  if (typeof lat === 'number' && typeof lng === 'number' && Number.isFinite(lat) && Number.isFinite(lng)) {
    const district = gazetteer.districts.find(
      (candidate) => candidate.geometry && containsPoint(candidate.geometry, lng, lat),
    );
    if (district) return { districtId: district.id, source: 'coordinates' };
  }
  const folded = typeof text === 'string' ? fold(text) : text.foldedRaw;
  for (const candidate of patternsOf(gazetteer)) {
    if (candidate.pattern.test(folded))
      return { districtId: candidate.districtId, source: candidate.source, name: candidate.name };
  }
  return { districtId: null, source: 'none' };
}
