/**
 * Place: which district a message is about, from its coordinates (point in polygon) or else from
 * district and street names written in it (accents and case ignored; in languages that inflect names
 * with endings — Estonian "Kesklinnas", Hungarian "Józsefvárosban", Romanian "Centrului", Bulgarian
 * "Центъра", German "Hafens" — a name followed by one of its language's endings counts too). Pure: the
 * caller passes the city's gazetteer. The point-in-polygon test is the places module's.
 */
import { containsPoint, type PolygonGeometry } from '../../places/index.ts';
import type { MessageLanguage } from './languages.ts';
import { fold, type MessageText } from './text.ts';

/**
 * Endings (folded) a name may take in a language that inflects names: case endings, enclitic
 * articles, a linking vowel. Hungarian "-val/-vel" doubles the name's last consonant ("-sal").
 */
const ENDINGS: Partial<Record<MessageLanguage, readonly string[]>> = {
  et: ['a', 'e', 'i', 'u', 's', 'st', 'sse', 'l', 'lt', 'le', 'ks', 'ni', 'na', 'ta', 'ga', 'd', 't', 'de'].flatMap(
    (ending) =>
      ending.length === 1 && 'aeiu'.includes(ending)
        ? [ending]
        : [ending, ...['a', 'e', 'i', 'u'].map((vowel) => vowel + ending)],
  ),
  hu: ['ban', 'ben', 'ba', 'be', 'bol', 'rol', 'ra', 're', 'tol', 'hoz', 'hez', 'nal', 'nel', 'n', 'on', 'en', 'an']
    .concat(['t', 'ot', 'et', 'at', 'ert', 'ig', 'kent', 'i', 'val', 'vel'])
    .flatMap((ending) => [ending, `i${ending}`]),
  ro: ['ul', 'ului', 'lui', 'ui', 'a', 'ei', 'ii', 'le', 'lor'],
  bg: ['а', 'ът', 'та', 'то', 'те', 'я', 'ят', 'ta'],
  de: ['s', 'es', 'er', 'ern'],
};
/** Names shorter than this (folded) match whole words only, in every language. */
const INFLECTED_MIN = 4;

const endingsOf = (language: MessageLanguage | 'unknown'): readonly string[] =>
  language === 'unknown' ? [...new Set(Object.values(ENDINGS).flat())] : (ENDINGS[language] ?? []);

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

interface NamePattern {
  pattern: RegExp;
  districtId: number;
  name: string;
  source: 'district-name' | 'street-name';
}

/** Per gazetteer, the name patterns for each language (the endings differ). */
const namePatterns = new WeakMap<Gazetteer, Map<MessageLanguage | 'unknown', NamePattern[]>>();

function patternsOf(gazetteer: Gazetteer, language: MessageLanguage | 'unknown'): NamePattern[] {
  let byLanguage = namePatterns.get(gazetteer);
  if (!byLanguage) namePatterns.set(gazetteer, (byLanguage = new Map<MessageLanguage | 'unknown', NamePattern[]>()));
  let patterns = byLanguage.get(language);
  if (patterns) return patterns;
  const endings = endingsOf(language);
  // Longest endings first (the alternation takes the first that fits), then the doubled last letter.
  const ending =
    endings.length > 0 ? `(?:${[...endings].sort((a, b) => b.length - a.length).join('|')}|\\k<last>[ae]l)?` : '';
  const entry = (name: string, districtId: number, source: 'district-name' | 'street-name'): NamePattern => {
    const folded = fold(name).trim();
    const escape = (word: string): string => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const words = folded.split(/[\s-]+/);
    // Every word of the name may take an ending ("Centrul Vechi" → "Centrului Vechi"); the last word may
    // also double its last consonant, captured for that.
    const named = words
      .map((word, index) => {
        if (ending === '' || !/\p{L}$/u.test(word) || word.replace(/[^\p{L}]/gu, '').length < INFLECTED_MIN)
          return escape(word);
        if (index < words.length - 1) return `${escape(word)}${ending.replace('|\\k<last>[ae]l', '')}`;
        return `${escape(word.slice(0, -1))}(?<last>${escape(word.slice(-1))})${ending}`;
      })
      .join('[\\s-]+');
    return {
      pattern: new RegExp(`(?<![\\p{L}\\p{N}])${named}(?![\\p{L}\\p{N}])`, 'u'),
      districtId,
      name,
      source,
    };
  };
  // Streets first and longest names first: "Park Street" says more than the district "Park".
  patterns = [
    ...(gazetteer.streets ?? []).map((street) => entry(street.name, street.districtId, 'street-name')),
    ...gazetteer.districts.flatMap((district) =>
      district.names.map((name) => entry(name, district.id, 'district-name')),
    ),
  ]
    .filter((candidate) => candidate.name.trim().length >= 3)
    .sort((a, b) => (a.source === b.source ? b.name.length - a.name.length : a.source === 'street-name' ? -1 : 1));
  byLanguage.set(language, patterns);
  return patterns;
}

/**
 * The district of a message: by its coordinates when it has them and they fall in a district, else by
 * a name in its text (with the endings of `language`; 'unknown': of every inflecting language).
 */
export function locateMessage(
  gazetteer: Gazetteer,
  text: string | MessageText,
  lat?: number | null,
  lng?: number | null,
  language: MessageLanguage | 'unknown' = 'unknown',
): PlaceMatch {
  if (typeof lat === 'number' && typeof lng === 'number' && Number.isFinite(lat) && Number.isFinite(lng)) {
    const district = gazetteer.districts.find(
      (candidate) => candidate.geometry && containsPoint(candidate.geometry, lng, lat),
    );
    if (district) return { districtId: district.id, source: 'coordinates' };
  }
  const folded = typeof text === 'string' ? fold(text) : text.foldedRaw;
  for (const candidate of patternsOf(gazetteer, language)) {
    if (candidate.pattern.test(folded))
      return { districtId: candidate.districtId, source: candidate.source, name: candidate.name };
  }
  return { districtId: null, source: 'none' };
}

const namePatternCache = new Map<string, RegExp>();

/**
 * The text with a place name it contains cut out (accents, case and, in inflecting languages, endings
 * ignored): names are not language, and "Via della Libertà" must not make an English message Italian.
 * The text unchanged when the name is not in it.
 */
export function withoutPlaceName(text: string, name: string): string {
  let pattern = namePatternCache.get(name);
  if (!pattern) {
    const source = patternsOf({ districts: [{ id: 0, names: [name] }] }, 'unknown')[0]?.pattern.source;
    if (!source) return text;
    if (namePatternCache.size > 10_000) namePatternCache.clear();
    namePatternCache.set(name, (pattern = new RegExp(source, 'gu')));
  }
  const folded = fold(text);
  // fold keeps one character per character except ß (→ ss) and a few ligatures: only when the lengths
  // agree can a span found in the folded text be cut from the raw one.
  if (folded.length !== text.length) return text;
  let result = '';
  let from = 0;
  for (const match of folded.matchAll(pattern)) {
    result += `${text.slice(from, match.index)} `;
    from = match.index + match[0].length;
  }
  return from === 0 ? text : result + text.slice(from);
}
