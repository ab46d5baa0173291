import type { ColumnType } from 'kysely';

/** The licences a city can choose, as codes of the EU licences vocabulary. */
export const LICENCES = ['CC_BY_4_0', 'CC0', 'IODL_2_0', 'CC_BYSA_4_0', 'ODC_BY', 'ODC_PDDL'] as const;
/** The licences the administrators' page offers (a city that chose another before keeps it until it changes). */
export const OFFERED_LICENCES = [
  'CC_BY_4_0',
  'CC0',
  'IODL_2_0',
] as const satisfies readonly (typeof LICENCES)[number][];
export type Licence = (typeof LICENCES)[number];
export const DEFAULT_LICENCE: Licence = 'CC_BY_4_0';

declare module '../../platform/db/schema.ts' {
  interface Database {
    open_data_setting: {
      organisation_id: number;
      licence: ColumnType<string, string | undefined, string>;
      contact_email: string | null;
      /** Added by 20261219_0000_open_data_profiles. */
      ipa_code: ColumnType<string | null, string | null | undefined, string | null>;
      dcat_ap_it: ColumnType<boolean, boolean | undefined, boolean>;
      geo_dcat_ap: ColumnType<boolean, boolean | undefined, boolean>;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
    open_data_dataset_state: {
      organisation_id: number;
      dataset: string;
      modified: ColumnType<Date, Date | string, Date | string>;
    };
  }
}
