import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import {
  findAddressesOnStreets,
  findNearestAddress,
  findStreetsLike,
  hasAddresses,
  type RegisterAddress,
} from './addresses.repository.ts';
import { findDistrictsBox, findGeocoderSetting, type GeocoderProvider } from './geocoder.repository.ts';
import { CITY_WITHOUT_OUTLINES_REACH } from './places.repository.ts';
import { NominatimGeocoder, PhotonGeocoder, type CityBox } from './remote-geocoders.ts';

/** A place a search or a reverse lookup found. */
export interface GeocodeCandidate {
  /** How people write it: "Via del Porto 12, Valmora". */
  label: string;
  lat: number;
  lng: number;
  /** Which geocoder found it. */
  source: GeocoderProvider;
  /** An address (a house number), a street (its middle), or another place (a square, a building). */
  kind: 'address' | 'street' | 'place';
}

/**
 * Turns what a resident types into places, and a place into the nearest address. One interface, several
 * adapters chosen per city (`npm run places -- geocoder …`): the city's own register (the default), a
 * Nominatim-compatible service or Photon.
 */
export interface Geocoder {
  readonly provider: GeocoderProvider;
  /** False when the city has nothing to search (no register imported, no service): the form says to use the map. */
  readonly available: boolean;
  /** Whether suggestions as one types are allowed (Nominatim's usage policy forbids autocomplete). */
  readonly suggests: boolean;
  search(text: string, lang: string, limit?: number): Promise<GeocodeCandidate[]>;
  reverse(lat: number, lng: number, lang: string): Promise<GeocodeCandidate | undefined>;
}

/** How far from a point reverse geocoding looks for an address before it says nothing. */
export const REVERSE_RADIUS_METERS = 150;

/** A house number as people type it: 12, 12a, 12/B, 12-14. */
const HOUSE_NUMBER = /^\d{1,5}(?:[a-z]|[/-]\w{1,4})?$/i;

function cityNameOf(organisation: Organisation, lang: string): string {
  return organisation.name[lang] ?? organisation.name[organisation.defaultLanguage] ?? '';
}

function lowerPlain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/**
 * Splits a typed address into its street words and house number, leaving out the city's name (in any of
 * its languages) and commas: "Via del Porto 12, Valmora" → { street: "Via del Porto", number: "12" }.
 */
export function splitAddress(text: string, organisation: Organisation): { street: string; number?: string } {
  const cityWords = new Set(Object.values(organisation.name).flatMap((name) => lowerPlain(name).split(/\s+/)));
  const words = text.replace(/[,;]/g, ' ').split(/\s+/).filter(Boolean);
  const number = words.find((word) => HOUSE_NUMBER.test(word));
  const rest = words.filter((word) => word !== number);
  // the city's name is dropped only at the end, where people add it ("…, Valmora")
  while (rest.length > 1 && cityWords.has(lowerPlain(rest[rest.length - 1] as string))) rest.pop();
  return { street: rest.join(' ').slice(0, 200), ...(number ? { number } : {}) };
}

/** The label of a register address in a language: the street's name in that language when the register has it. */
export function registerLabel(address: RegisterAddress, lang: string, city: string): string {
  const street = address.streetNames[lang] ?? address.street;
  const number = address.number ? ` ${address.number}${address.unit ? `/${address.unit}` : ''}` : '';
  return `${street}${number}, ${address.city || city}`;
}

/** The city's own address register in the database: trigram similarity over accent-folded street names. */
export class RegisterGeocoder implements Geocoder {
  readonly provider = 'register' as const;
  readonly suggests = true;
  readonly available: boolean;
  readonly #db: Executor;
  readonly #organisation: Organisation;

  constructor(db: Executor, organisation: Organisation, available: boolean) {
    this.#db = db;
    this.#organisation = organisation;
    this.available = available;
  }

  async search(text: string, lang: string, limit = 8): Promise<GeocodeCandidate[]> {
    const { street, number } = splitAddress(text, this.#organisation);
    if (street.replace(/\s/g, '').length < 2) return [];
    const matches = await findStreetsLike(this.#db, this.#organisation.id, street, limit * 3);
    // one candidate a street, named in the asked language when the register has that name
    const streets: Array<{ street: string; lat: number; lng: number; names: Map<string, string> }> = [];
    for (const match of matches) {
      let entry = streets.find((candidate) => candidate.street === match.street);
      if (!entry) {
        if (streets.length >= limit) continue;
        entry = { street: match.street, lat: match.lat, lng: match.lng, names: new Map() };
        streets.push(entry);
      }
      entry.names.set(match.lang, match.name);
    }
    const city = cityNameOf(this.#organisation, lang);
    const houses = number
      ? await findAddressesOnStreets(
          this.#db,
          this.#organisation.id,
          streets.map((entry) => entry.street),
          number,
        )
      : new Map<string, RegisterAddress>();
    return streets.map((entry): GeocodeCandidate => {
      const house = houses.get(entry.street);
      if (house)
        return {
          label: registerLabel(house, lang, city),
          lat: house.lat,
          lng: house.lng,
          source: 'register',
          kind: 'address',
        };
      const name = entry.names.get(lang) ?? entry.street;
      return { label: `${name}, ${city}`, lat: entry.lat, lng: entry.lng, source: 'register', kind: 'street' };
    });
  }

  async reverse(lat: number, lng: number, lang: string): Promise<GeocodeCandidate | undefined> {
    const address = await findNearestAddress(this.#db, this.#organisation.id, lat, lng, REVERSE_RADIUS_METERS);
    if (!address) return undefined;
    const label = registerLabel(address, lang, cityNameOf(this.#organisation, lang));
    return { label, lat: address.lat, lng: address.lng, source: 'register', kind: 'address' };
  }
}

/** A city that chose no geocoder: residents place their report on the map or by coordinates. */
export class NoGeocoder implements Geocoder {
  readonly provider = 'none' as const;
  readonly available = false;
  readonly suggests = false;
  search(): Promise<GeocodeCandidate[]> {
    return Promise.resolve([]);
  }
  reverse(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}

/** The box searches of an outside service are limited to: the districts' box, else the area around the map centre. */
async function cityBox(db: Executor, organisation: Organisation): Promise<CityBox> {
  const box = await findDistrictsBox(db, organisation.id);
  if (box) return box;
  const { lat, lng } = organisation.map;
  const reach = CITY_WITHOUT_OUTLINES_REACH;
  return { minLat: lat - reach.lat, maxLat: lat + reach.lat, minLng: lng - reach.lng, maxLng: lng + reach.lng };
}

/** The geocoder serving a city, as it is configured. */
export async function geocoderFor(ctx: AppContext, organisation: Organisation): Promise<Geocoder> {
  const setting = await findGeocoderSetting(ctx.db, organisation.id);
  if (setting.provider === 'none') return new NoGeocoder();
  if ((setting.provider === 'nominatim' || setting.provider === 'photon') && setting.baseUrl) {
    const options = {
      ctx,
      organisationId: organisation.id,
      baseUrl: setting.baseUrl,
      box: await cityBox(ctx.db, organisation),
      // Nominatim's usage policy: identify the application; the city's address lets the service reach its operator
      userAgent: `InteractiveCity/1 (+${absoluteUrl(ctx.config, organisation, '/')})`,
      referer: absoluteUrl(ctx.config, organisation, '/'),
    };
    return setting.provider === 'nominatim' ? new NominatimGeocoder(options) : new PhotonGeocoder(options);
  }
  return new RegisterGeocoder(ctx.db, organisation, await hasAddresses(ctx.db, organisation.id));
}
