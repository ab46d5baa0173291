import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { distanceMeters } from '../tiles.ts';

export interface Address {
  label: string;
  lat: number;
  lng: number;
}

/**
 * Turns what a resident types into places, and a place into the nearest address. Providers are
 * pluggable: the demo city ships an offline street list; a real city plugs in its own register or a
 * Nominatim/Photon client behind the same two methods.
 */
export interface Geocoder {
  /** False for a city without an address provider (the form then explains to use the map). */
  readonly available: boolean;
  search(text: string, limit?: number): Address[] | Promise<Address[]>;
  reverse(lat: number, lng: number): Address | undefined | Promise<Address | undefined>;
  /** The streets the provider knows, each at its middle (for finding places named in messages); may be empty. */
  streets(): Address[];
}

interface Street {
  name: string;
  /** Offsets from the city's map centre in degrees: [lat, lng] of the street's two ends. */
  from: [number, number];
  to: [number, number];
  numbers: number;
}

/** Valmora's streets, laid out inside its six demo districts (see places.demo.ts). */
const VALMORA_STREETS: Street[] = [
  { name: 'Piazza del Duomo', from: [0.009, -0.025], to: [0.01, -0.022], numbers: 20 },
  { name: 'Via dei Mercanti', from: [0.004, -0.033], to: [0.014, -0.015], numbers: 80 },
  { name: 'Vicolo del Forno', from: [0.012, -0.03], to: [0.016, -0.027], numbers: 16 },
  { name: 'Via del Porto', from: [0.003, -0.01], to: [0.015, 0.01], numbers: 90 },
  { name: 'Lungomare Colombo', from: [0.016, -0.011], to: [0.016, 0.011], numbers: 120 },
  { name: 'Molo dei Pescatori', from: [0.01, 0.002], to: [0.014, 0.006], numbers: 24 },
  { name: 'Viale del Fiume', from: [0.002, 0.014], to: [0.016, 0.034], numbers: 110 },
  { name: 'Via dei Mulini', from: [0.008, 0.015], to: [0.008, 0.033], numbers: 60 },
  { name: 'Riva dei Salici', from: [0.013, 0.026], to: [0.015, 0.034], numbers: 30 },
  { name: 'Strada delle Vigne', from: [-0.004, -0.034], to: [-0.016, -0.014], numbers: 70 },
  { name: "Via dell'Osservatorio", from: [-0.012, -0.03], to: [-0.006, -0.02], numbers: 40 },
  { name: 'Piazza della Stazione', from: [-0.009, -0.002], to: [-0.009, 0.002], numbers: 12 },
  { name: 'Corso Garibaldi', from: [-0.002, -0.011], to: [-0.016, 0.011], numbers: 140 },
  { name: 'Via Nuova', from: [-0.004, 0.003], to: [-0.014, 0.01], numbers: 50 },
  { name: "Via dell'Università", from: [-0.003, 0.014], to: [-0.015, 0.03], numbers: 90 },
  { name: "Viale dell'Orto Botanico", from: [-0.01, 0.024], to: [-0.01, 0.034], numbers: 44 },
  { name: 'Piazza del Campus', from: [-0.006, 0.018], to: [-0.006, 0.021], numbers: 10 },
];

type PlacedStreet = Street & { key: string; a: [number, number]; b: [number, number] };

function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * An offline geocoder over a fixed street list: house numbers are spread evenly along each street,
 * odd and even alike. Searching matches every word typed (accents and case ignored) against street
 * names; a number in the text picks the house.
 */
export class AddressListGeocoder implements Geocoder {
  readonly available = true;
  readonly #streets: PlacedStreet[];
  readonly #city: string;

  constructor(center: { lat: number; lng: number }, streets: Street[], city: string) {
    this.#city = city;
    this.#streets = streets.map((street) => ({
      ...street,
      key: normalise(street.name),
      a: [center.lat + street.from[0], center.lng + street.from[1]],
      b: [center.lat + street.to[0], center.lng + street.to[1]],
    }));
  }

  #point(street: PlacedStreet, number: number): Address {
    const share = street.numbers <= 1 ? 0.5 : (Math.min(number, street.numbers) - 1) / (street.numbers - 1);
    const lat = street.a[0] + (street.b[0] - street.a[0]) * share;
    const lng = street.a[1] + (street.b[1] - street.a[1]) * share;
    return { label: `${street.name} ${number}, ${this.#city}`, lat: round(lat), lng: round(lng) };
  }

  search(text: string, limit = 8): Address[] {
    const words = normalise(text).split(' ').filter(Boolean);
    const numberWord = words.find((word) => /^\d{1,4}$/.test(word));
    const nameWords = words.filter((word) => word !== numberWord && word !== normalise(this.#city));
    if (nameWords.length === 0) return [];
    const number = numberWord ? Number(numberWord) : undefined;
    const matches = this.#streets.filter((street) =>
      nameWords.every((word) => street.key.split(' ').some((part) => part.startsWith(word))),
    );
    const results: Address[] = [];
    for (const street of matches) {
      if (number !== undefined && number >= 1 && number <= street.numbers) results.push(this.#point(street, number));
      else {
        const middle = this.#point(street, Math.ceil(street.numbers / 2));
        results.push({ ...middle, label: `${street.name}, ${this.#city}` });
      }
    }
    return results.slice(0, limit);
  }

  reverse(lat: number, lng: number): Address | undefined {
    let best: { address: Address; distance: number } | undefined;
    for (const street of this.#streets) {
      for (let number = 1; number <= street.numbers; number++) {
        const address = this.#point(street, number);
        const distance = distanceMeters(lat, lng, address.lat, address.lng);
        if (!best || distance < best.distance) best = { address, distance };
      }
    }
    return best && best.distance <= 150 ? best.address : undefined;
  }

  streets(): Address[] {
    return this.#streets.map((street) => ({
      ...this.#point(street, Math.ceil(street.numbers / 2)),
      label: street.name,
    }));
  }
}

/** A city without an address provider: residents place their report on the map or by coordinates. */
export class NoGeocoder implements Geocoder {
  readonly available = false;
  search(): Address[] {
    return [];
  }
  reverse(): undefined {
    return undefined;
  }
  streets(): Address[] {
    return [];
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

const cache = new Map<number, Geocoder>();

/** The geocoder serving a city: the demo street list for the demo city, none elsewhere (for now). */
export function geocoderFor(organisation: Organisation): Geocoder {
  const hit = cache.get(organisation.id);
  if (hit) return hit;
  const city = organisation.name[organisation.defaultLanguage] ?? Object.values(organisation.name)[0] ?? '';
  const geocoder =
    organisation.slug === 'valmora'
      ? new AddressListGeocoder(organisation.map, VALMORA_STREETS, city)
      : new NoGeocoder();
  cache.set(organisation.id, geocoder);
  return geocoder;
}
