import type { AppContext } from '../../platform/context.ts';
import { findCachedAnswer, storeCachedAnswer } from './geocoder.repository.ts';
import type { GeocodeCandidate, Geocoder } from './geocoder.ts';

export interface CityBox {
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
}

export interface RemoteOptions {
  ctx: AppContext;
  organisationId: number;
  baseUrl: string;
  box: CityBox;
  userAgent: string;
  referer: string;
}

/** Nominatim's usage policy: at most one request a second (we keep it per service, for every city). */
export const REQUEST_INTERVAL_MS = 1000;
/** At most this many requests wait for their turn; more answer nothing rather than hold pages for long. */
const MAX_WAITING = 4;
/** Answers are kept a week (the policy asks to cache; addresses rarely move). */
export const CACHE_SECONDS = 7 * 24 * 3600;

const queues = new Map<string, { tail: Promise<void>; waiting: number }>();

/**
 * Runs requests to one service one after another, each starting a second after the previous one ended
 * (in this process). Answers undefined without running when too many already wait.
 */
async function inTurn<T>(service: string, work: () => Promise<T>): Promise<T | undefined> {
  const queue = queues.get(service) ?? { tail: Promise.resolve(), waiting: 0 };
  queues.set(service, queue);
  if (queue.waiting >= MAX_WAITING) return undefined;
  queue.waiting += 1;
  const previous = queue.tail;
  let release: () => void = () => {};
  queue.tail = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await work();
  } finally {
    queue.waiting -= 1;
    setTimeout(release, REQUEST_INTERVAL_MS);
  }
}

function inBox(box: CityBox, lat: number, lng: number): boolean {
  return lat >= box.minLat && lat <= box.maxLat && lng >= box.minLng && lng <= box.maxLng;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** "Street 12, City", or the name, from the parts a service answers. */
function joinLabel(name: string, street: string, number: string, city: string): string {
  const line = street ? `${street}${number ? ` ${number}` : ''}` : name;
  const parts = [name && street && name !== street ? name : '', line, city].filter(Boolean);
  return [...new Set(parts)].join(', ');
}

/** What both adapters share: the cache, the rate limit, the request through the outbound guard. */
abstract class RemoteGeocoder implements Geocoder {
  abstract readonly provider: 'nominatim' | 'photon';
  readonly available = true;
  abstract readonly suggests: boolean;
  protected readonly options: RemoteOptions;
  readonly #service: string;

  constructor(options: RemoteOptions) {
    this.options = options;
    this.#service = options.baseUrl.replace(/\/+$/, '');
  }

  protected abstract searchUrl(base: string, text: string, lang: string, limit: number): URL;
  protected abstract reverseUrl(base: string, lat: number, lng: number, lang: string): URL;
  protected abstract parse(body: unknown): GeocodeCandidate[];

  /** The answer for a key: from the cache, else asked of the service (in turn) and kept. */
  async #ask(key: string, url: URL): Promise<GeocodeCandidate[]> {
    const { ctx } = this.options;
    const cached = await findCachedAnswer(ctx.db, this.options.organisationId, this.#service, key);
    if (Array.isArray(cached)) return cached as GeocodeCandidate[];
    const answer = await inTurn(this.#service, async () => {
      // another request may have asked the same while this one waited
      const meanwhile = await findCachedAnswer(ctx.db, this.options.organisationId, this.#service, key);
      if (Array.isArray(meanwhile)) return { candidates: meanwhile as GeocodeCandidate[], asked: false };
      const fetched = await this.#fetch(url);
      if (fetched)
        await storeCachedAnswer(ctx.db, this.options.organisationId, this.#service, key, fetched, CACHE_SECONDS);
      return { candidates: fetched, asked: true };
    });
    if (!answer) {
      ctx.log.warn({ service: this.#service }, 'geocoder busy: search not sent (one request a second)');
      return [];
    }
    return answer.candidates ?? [];
  }

  /** Asks the service; the candidates in the city's box are kept, a failure answers undefined (not kept). */
  async #fetch(url: URL): Promise<GeocodeCandidate[] | undefined> {
    const { ctx } = this.options;
    try {
      const response = await ctx.outbound.fetch(url, {
        headers: {
          accept: 'application/json',
          'user-agent': this.options.userAgent,
          referer: this.options.referer,
        },
        timeoutMs: 8000,
        maxBytes: 2 * 1024 * 1024,
      });
      if (!response.ok) {
        ctx.log.warn({ service: this.#service, status: response.status }, 'geocoder answered an error');
        return undefined;
      }
      return this.parse(await response.json()).filter((c) => inBox(this.options.box, c.lat, c.lng));
    } catch (error) {
      ctx.log.warn({ service: this.#service, err: error }, 'geocoder could not be reached');
      return undefined;
    }
  }

  async search(text: string, lang: string, limit = 8): Promise<GeocodeCandidate[]> {
    const query = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    if (query.length < 2) return [];
    const key = `search|${lang}|${limit}|${query.toLowerCase()}`;
    return (await this.#ask(key, this.searchUrl(this.#service, query, lang, limit))).slice(0, limit);
  }

  async reverse(lat: number, lng: number, lang: string): Promise<GeocodeCandidate | undefined> {
    const [rLat, rLng] = [lat.toFixed(5), lng.toFixed(5)];
    const key = `reverse|${lang}|${rLat},${rLng}`;
    const [found] = await this.#ask(key, this.reverseUrl(this.#service, Number(rLat), Number(rLng), lang));
    return found;
  }
}

/**
 * A Nominatim-compatible service (nominatim.openstreetmap.org, a city's own instance): `/search` and
 * `/reverse` with `format=jsonv2`, limited to the city's box. No suggestions as one types: the public
 * service's usage policy forbids autocomplete.
 */
export class NominatimGeocoder extends RemoteGeocoder {
  readonly provider = 'nominatim' as const;
  readonly suggests = false;

  protected searchUrl(base: string, text: string, lang: string, limit: number): URL {
    const { box } = this.options;
    const url = new URL(`${base}/search`);
    url.search = new URLSearchParams({
      q: text,
      format: 'jsonv2',
      addressdetails: '1',
      limit: String(Math.min(limit, 40)),
      'accept-language': lang,
      viewbox: `${box.minLng},${box.maxLat},${box.maxLng},${box.minLat}`,
      bounded: '1',
    }).toString();
    return url;
  }

  protected reverseUrl(base: string, lat: number, lng: number, lang: string): URL {
    const url = new URL(`${base}/reverse`);
    url.search = new URLSearchParams({
      lat: String(lat),
      lon: String(lng),
      format: 'jsonv2',
      addressdetails: '1',
      zoom: '18',
      'accept-language': lang,
    }).toString();
    return url;
  }

  /** jsonv2: an array of places (search) or one place, or `{ "error": … }` (reverse, nothing there). */
  protected parse(body: unknown): GeocodeCandidate[] {
    const places = Array.isArray(body) ? body : isRecord(body) && !('error' in body) ? [body] : [];
    return places.flatMap((place: unknown): GeocodeCandidate[] => {
      if (!isRecord(place)) return [];
      const lat = Number(place.lat);
      const lng = Number(place.lon);
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return [];
      const address = isRecord(place.address) ? place.address : {};
      const street = str(address.road ?? address.pedestrian ?? address.footway ?? address.square);
      const number = str(address.house_number);
      const city = str(address.city ?? address.town ?? address.village ?? address.municipality);
      const name = str(place.name);
      const label = joinLabel(name, street, number, city) || str(place.display_name);
      if (!label) return [];
      const kind = number ? 'address' : place.category === 'highway' ? 'street' : 'place';
      return [{ label: label.slice(0, 300), lat, lng, source: 'nominatim', kind }];
    });
  }
}

/** Languages Photon names places in; others get the default names. */
const PHOTON_LANGUAGES = new Set(['de', 'en', 'fr', 'it']);

/**
 * Photon (photon.komoot.io, or a city's own): `/api` and `/reverse`, answering a GeoJSON
 * FeatureCollection. Made for suggestions as one types.
 */
export class PhotonGeocoder extends RemoteGeocoder {
  readonly provider = 'photon' as const;
  readonly suggests = true;

  #params(lang: string): Record<string, string> {
    return PHOTON_LANGUAGES.has(lang) ? { lang } : {};
  }

  protected searchUrl(base: string, text: string, lang: string, limit: number): URL {
    const { box } = this.options;
    const url = new URL(`${base}/api`);
    url.search = new URLSearchParams({
      q: text,
      limit: String(Math.min(limit, 20)),
      bbox: `${box.minLng},${box.minLat},${box.maxLng},${box.maxLat}`,
      lat: String((box.minLat + box.maxLat) / 2),
      lon: String((box.minLng + box.maxLng) / 2),
      ...this.#params(lang),
    }).toString();
    return url;
  }

  protected reverseUrl(base: string, lat: number, lng: number, lang: string): URL {
    const url = new URL(`${base}/reverse`);
    url.search = new URLSearchParams({
      lat: String(lat),
      lon: String(lng),
      limit: '1',
      ...this.#params(lang),
    }).toString();
    return url;
  }

  protected parse(body: unknown): GeocodeCandidate[] {
    if (!isRecord(body) || !Array.isArray(body.features)) return [];
    return (body.features as unknown[]).flatMap((feature): GeocodeCandidate[] => {
      if (!isRecord(feature) || !isRecord(feature.geometry) || !isRecord(feature.properties)) return [];
      const coordinates = feature.geometry.coordinates;
      if (!Array.isArray(coordinates)) return [];
      const [lng, lat] = coordinates.map(Number);
      if (lat === undefined || lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) return [];
      const p = feature.properties;
      const number = str(p.housenumber);
      const street = str(p.street) || (p.osm_key === 'highway' ? str(p.name) : '');
      const label = joinLabel(str(p.name), street, number, str(p.city ?? p.locality));
      if (!label) return [];
      const kind = number ? 'address' : p.osm_key === 'highway' ? 'street' : 'place';
      return [{ label: label.slice(0, 300), lat, lng, source: 'photon', kind }];
    });
  }
}
