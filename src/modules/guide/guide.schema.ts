import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Texts = ColumnType<Translated, string | undefined, string>;

export const DIFFICULTIES = ['easy', 'moderate', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];
export type OsmType = 'node' | 'way' | 'relation';
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

declare module '../../platform/db/schema.ts' {
  interface Database {
    guide_place: {
      id: Generated<number>;
      organisation_id: number;
      code: string;
      name: ColumnType<Translated, string, string>;
      summary: Texts;
      body: Texts;
      easy_read: Texts;
      categories: ColumnType<string[], string[] | undefined, string[]>;
      lat: number;
      lng: number;
      osm_type: OsmType | null;
      osm_id: number | null;
      opening_hours: string | null;
      step_free: boolean | null;
      accessible_toilet: boolean | null;
      seating: boolean | null;
      quiet_hours: string | null;
      audio_url: string | null;
      audio_transcript: Texts;
      report_category: string | null;
      ibeacon: string | null;
      eddystone: string | null;
      created_at: Stamp;
      updated_at: Stamp;
    };
    guide_photo: {
      id: Generated<number>;
      organisation_id: number;
      place_id: number;
      position: ColumnType<number, number | undefined, number>;
      content_type: PhotoType;
      data: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
      alt: ColumnType<Translated, string, string>;
      created_at: Stamp;
    };
    guide_tour: {
      id: Generated<number>;
      organisation_id: number;
      title: ColumnType<Translated, string, string>;
      summary: Texts;
      duration_minutes: number;
      difficulty: Difficulty;
      step_free: ColumnType<boolean, boolean | undefined, boolean>;
      created_at: Stamp;
    };
    guide_tour_stop: {
      organisation_id: number;
      tour_id: number;
      position: number;
      place_id: number;
      note: Texts;
    };
    guide_event: {
      id: Generated<number>;
      organisation_id: number;
      place_id: number | null;
      tour_id: number | null;
      title: ColumnType<Translated, string, string>;
      starts_at: ColumnType<Date, Date | string, Date | string>;
      ends_at: ColumnType<Date, Date | string, Date | string>;
      created_at: Stamp;
    };
  }
}
