import type { Executor } from '../../platform/db/database.ts';
import { DEFAULT_LICENCE, LICENCES, type Licence } from './open-data.schema.ts';

export interface OpenDataSettings {
  licence: Licence;
  contactEmail: string | null;
}

/** The city's open-data settings, or the defaults (CC BY 4.0, no contact address). */
export async function findOpenDataSettings(db: Executor, organisationId: number): Promise<OpenDataSettings> {
  const row = await db
    .selectFrom('open_data_setting')
    .select(['licence', 'contact_email'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  const licence = LICENCES.find((known) => known === row?.licence) ?? DEFAULT_LICENCE;
  return { licence, contactEmail: row?.contact_email ?? null };
}

export async function saveOpenDataSettings(
  db: Executor,
  organisationId: number,
  settings: OpenDataSettings,
): Promise<void> {
  await db
    .insertInto('open_data_setting')
    .values({ organisation_id: organisationId, licence: settings.licence, contact_email: settings.contactEmail })
    .onConflict((oc) =>
      oc.column('organisation_id').doUpdateSet({
        licence: settings.licence,
        contact_email: settings.contactEmail,
        updated_at: new Date(),
      }),
    )
    .execute();
}
