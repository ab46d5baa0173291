import { sql, type Kysely } from 'kysely';

/**
 * The national and geospatial profiles a city switches on for its catalogue: DCAT-AP_IT (the Italian
 * profile, which names the city by its code in the Indice dei domicili digitali della PA, `ipa_code`)
 * and GeoDCAT-AP (the city's geometry on its spatial coverage). Off until the city switches them on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table open_data_setting
      add column ipa_code text check (ipa_code ~ '^[A-Za-z0-9_]{1,20}$'),
      add column dcat_ap_it boolean not null default false,
      add column geo_dcat_ap boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table open_data_setting drop column ipa_code, drop column dcat_ap_it, drop column geo_dcat_ap`.execute(db);
}
