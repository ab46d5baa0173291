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
  }
}
