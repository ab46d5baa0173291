import type { Executor } from '../../platform/db/database.ts';
import { DEFAULT_LICENCE, LICENCES, type Licence } from './open-data.schema.ts';

export interface OpenDataSettings {
  licence: Licence;
  contactEmail: string | null;
  /** The city's code in the Indice dei domicili digitali della PA (DCAT-AP_IT names it by this). */
  ipaCode: string | null;
  /** The catalogue follows DCAT-AP_IT (the Italian profile) too. */
  dcatApIt: boolean;
  /** The catalogue gives the city's geometry (GeoDCAT-AP). */
  geoDcatAp: boolean;
}

/** The city's open-data settings, or the defaults (CC BY 4.0, no contact address, no profile). */
export async function findOpenDataSettings(db: Executor, organisationId: number): Promise<OpenDataSettings> {
  const row = await db
    .selectFrom('open_data_setting')
    .select(['licence', 'contact_email', 'ipa_code', 'dcat_ap_it', 'geo_dcat_ap'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  const licence = LICENCES.find((known) => known === row?.licence) ?? DEFAULT_LICENCE;
  return {
    licence,
    contactEmail: row?.contact_email ?? null,
    ipaCode: row?.ipa_code ?? null,
    dcatApIt: row?.dcat_ap_it ?? false,
    geoDcatAp: row?.geo_dcat_ap ?? false,
  };
}

export async function saveOpenDataSettings(
  db: Executor,
  organisationId: number,
  settings: Pick<OpenDataSettings, 'licence' | 'contactEmail'> & Partial<OpenDataSettings>,
): Promise<void> {
  const values = {
    licence: settings.licence,
    contact_email: settings.contactEmail,
    ipa_code: settings.ipaCode ?? null,
    dcat_ap_it: settings.dcatApIt ?? false,
    geo_dcat_ap: settings.geoDcatAp ?? false,
  };
  await db
    .insertInto('open_data_setting')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}
