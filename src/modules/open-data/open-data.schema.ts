import type { ColumnType } from 'kysely';

/** The licences a city can choose, as codes of the EU licences vocabulary. */
export const LICENCES = ['CC_BY_4_0', 'CC0', 'CC_BYSA_4_0', 'ODC_BY', 'ODC_PDDL'] as const;
export type Licence = (typeof LICENCES)[number];
export const DEFAULT_LICENCE: Licence = 'CC_BY_4_0';

declare module '../../platform/db/schema.ts' {
  interface Database {
    open_data_setting: {
      organisation_id: number;
      licence: ColumnType<string, string | undefined, string>;
      contact_email: string | null;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
    open_data_dataset_state: {
      organisation_id: number;
      dataset: string;
      modified: ColumnType<Date, Date | string, Date | string>;
    };
  }
}
