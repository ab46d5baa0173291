import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

declare module '../../platform/db/schema.ts' {
  interface Database {
    places_district: {
      id: Generated<number>;
      organisation_id: number;
      kind: 'district' | 'neighbourhood';
      code: string;
      parent_id: number | null;
      name: ColumnType<Translated, string, string>;
      geometry: ColumnType<unknown, string, string>;
      min_lng: number;
      min_lat: number;
      max_lng: number;
      max_lat: number;
      population: number | null;
      created_at: ColumnType<Date, Date | string | undefined, never>;
    };
    places_address: {
      id: Generated<number>;
      organisation_id: number;
      source_key: string;
      street: string;
      street_names: ColumnType<Record<string, string>, string, string>;
      number: string;
      number_key: string;
      unit: string;
      postcode: string;
      city: string;
      district: string;
      lat: number;
      lng: number;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
    places_address_street: {
      organisation_id: number;
      street: string;
      name: string;
      name_key: string;
      lang: string;
      lat: number;
      lng: number;
      addresses: number;
    };
    places_street: {
      id: Generated<number>;
      organisation_id: number;
      source_key: string;
      name: ColumnType<Translated, string, string>;
      geometry: ColumnType<unknown, string, string>;
      min_lng: number;
      min_lat: number;
      max_lng: number;
      max_lat: number;
    };
    places_geocoder: {
      organisation_id: number;
      provider: 'register' | 'nominatim' | 'photon' | 'none';
      base_url: string | null;
    };
    places_geocode_cache: {
      organisation_id: number;
      service: string;
      key: string;
      answer: ColumnType<unknown, string, string>;
      expires_at: ColumnType<Date, Date | string, Date | string>;
    };
  }
}
