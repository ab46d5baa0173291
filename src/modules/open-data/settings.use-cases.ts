// The city's open-data settings: the licence of its datasets, the catalogue's contact point, and the
// profiles its catalogue follows besides DCAT-AP 3 (DCAT-AP_IT, GeoDCAT-AP).

import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isEmail } from '../../platform/validation.ts';
import { LICENCES, OFFERED_LICENCES, type Licence } from './open-data.schema.ts';
import { authorizeOpenDataSettings } from './open-data.policy.ts';
import { findOpenDataSettings, saveOpenDataSettings, type OpenDataSettings } from './settings.repository.ts';

/** A field problem: the page picks its words. */
export type SettingsProblem = 'invalid' | 'required';

export type SettingsOutcome =
  | { ok: true }
  | { ok: false; code: 'VALIDATION_FAILED'; fields: Partial<Record<keyof SettingsInput, SettingsProblem>> };

export interface SettingsInput {
  licence: string;
  contactEmail: string;
  ipaCode: string;
  dcatApIt?: boolean | undefined;
  geoDcatAp?: boolean | undefined;
}

/** The settings for the administrators' page, with the licences it offers (and the city's own, if older). */
export async function settingsForEditing(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
): Promise<{ settings: OpenDataSettings; licences: readonly Licence[] }> {
  authorizeOpenDataSettings(viewer);
  const settings = await findOpenDataSettings(ctx.db, organisation.id);
  const offered: readonly Licence[] = OFFERED_LICENCES;
  return {
    settings,
    licences: offered.includes(settings.licence) ? offered : [...offered, settings.licence],
  };
}

/**
 * Saves the settings. DCAT-AP_IT needs the city's IPA code (its agents' identifier) and a contact
 * address (its contact point's e-mail); a licence is one the page offers, or the one the city has.
 */
export async function changeSettings(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: SettingsInput,
): Promise<SettingsOutcome> {
  authorizeOpenDataSettings(viewer);
  const before = await findOpenDataSettings(ctx.db, organisation.id);
  const fields: Partial<Record<keyof SettingsInput, SettingsProblem>> = {};
  const licence = LICENCES.find((known) => known === input.licence);
  const offered: readonly string[] = OFFERED_LICENCES;
  if (!licence || (!offered.includes(licence) && licence !== before.licence)) fields.licence = 'invalid';
  if (input.contactEmail !== '' && !isEmail(input.contactEmail)) fields.contactEmail = 'invalid';
  if (input.ipaCode !== '' && !/^[A-Za-z0-9_]{1,20}$/.test(input.ipaCode)) fields.ipaCode = 'invalid';
  if (input.dcatApIt) {
    if (input.ipaCode === '') fields.ipaCode = 'required';
    if (input.contactEmail === '') fields.contactEmail = 'required';
  }
  if (!licence || Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const after: OpenDataSettings = {
    licence,
    contactEmail: input.contactEmail || null,
    ipaCode: input.ipaCode || null,
    dcatApIt: input.dcatApIt ?? false,
    geoDcatAp: input.geoDcatAp ?? false,
  };
  await ctx.db.transaction().execute(async (tx) => {
    await saveOpenDataSettings(tx, organisation.id, after);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'open-data.settings',
      subjectType: 'open_data_setting',
      subjectId: organisation.id,
      before: { ...before, contactEmail: before.contactEmail ? 'set' : null },
      after: { ...after, contactEmail: after.contactEmail ? 'set' : null },
    });
  });
  return { ok: true };
}
