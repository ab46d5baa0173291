import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type Stamp = ColumnType<Date, Date | string, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Tables of the news pages (the `web` channel) and the editorial calendar's blackout periods. */
declare module '../../platform/db/schema.ts' {
  interface Database {
    publishing_web_page: {
      organisation_id: number;
      post_id: number;
      destination_id: number;
      published_at: Stamp;
      removed_at: MaybeStamp;
    };
    publishing_blackout: {
      id: Generated<number>;
      organisation_id: number;
      starts_at: Stamp;
      ends_at: Stamp;
      reason: ColumnType<Translated, string, string>;
      created_by: number | null;
      created_at: ColumnType<Date, Date | string | undefined, never>;
    };
  }
}
