import type { Licence } from './open-data.schema.ts';

/** The licences' own names (the same in every language), for links to their EU vocabulary entries. */
export const LICENCE_NAMES: Record<Licence, string> = {
  CC_BY_4_0: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
  CC0: 'Creative Commons CC0 1.0 Universal',
  IODL_2_0: 'Italian Open Data License 2.0 (IODL 2.0)',
  CC_BYSA_4_0: 'Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)',
  ODC_BY: 'Open Data Commons Attribution License (ODC-By)',
  ODC_PDDL: 'Open Data Commons Public Domain Dedication and License (PDDL)',
};

/** The licences' entries in the Italian licences vocabulary (DCAT-AP_IT), where it has them. */
export const ITALIAN_LICENCE: Partial<Record<Licence, string>> = {
  CC_BY_4_0: 'https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40',
  CC0: 'https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10',
  IODL_2_0: 'https://w3id.org/italia/controlled-vocabulary/licences/A29_IODL20',
};
