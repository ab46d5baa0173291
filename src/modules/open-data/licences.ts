import type { Licence } from './open-data.schema.ts';

/** The licences' own names (the same in every language), for links to their EU vocabulary entries. */
export const LICENCE_NAMES: Record<Licence, string> = {
  CC_BY_4_0: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
  CC0: 'Creative Commons CC0 1.0 Universal',
  CC_BYSA_4_0: 'Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)',
  ODC_BY: 'Open Data Commons Attribution License (ODC-By)',
  ODC_PDDL: 'Open Data Commons Public Domain Dedication and License (PDDL)',
};
