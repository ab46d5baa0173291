import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

declare module '../../platform/db/schema.ts' {
  interface Database {
    city_news: {
      id: Generated<number>;
      organisation_id: number;
      slug: string;
      title: ColumnType<Translated, string, string>;
      summary: ColumnType<Translated, string, string>;
      body: ColumnType<Translated, string, string>;
      district_id: number | null;
      author_id: number | null;
      published_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
      created_at: ColumnType<Date, Date | string | undefined, never>;
    };
  }
}
