import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { PersonalDataProvider } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { authorizeLegal, boundByResidentTexts } from './legal.policy.ts';
import {
  deleteAcceptancesOfUser,
  findAcceptancesOfUser,
  findAcceptedVersions,
  findCurrentVersions,
  findTextVersions,
  insertAcceptances,
  insertNextVersion,
  isUniqueViolation,
  type LegalTextVersion,
  type LegalVersions,
} from './legal.repository.ts';
import { LEGAL_KINDS, type LegalKind } from './legal.schema.ts';

/** The longest text of one language. */
export const LEGAL_TEXT_MAX = 50_000;

/** How long a city's versions are remembered between two reads (a publication here forgets them at once). */
const VERSIONS_MS = 30_000;
const REMEMBERED_PEOPLE = 20_000;

const versionsByCity = new Map<number, { versions: LegalVersions; until: number }>();
/** People known to have accepted a city's versions in force, by user id: the versions' key when checked. */
const upToDate = new Map<number, string>();

function key(versions: LegalVersions): string {
  return `${versions.privacy}/${versions.conduct}`;
}

/** The versions in force in a city (0: the platform's standard text), remembered for a short time. */
export async function currentVersions(ctx: AppContext, organisationId: number): Promise<LegalVersions> {
  const hit = versionsByCity.get(organisationId);
  if (hit && hit.until > Date.now()) return hit.versions;
  const versions = await findCurrentVersions(ctx.db, organisationId);
  versionsByCity.set(organisationId, { versions, until: Date.now() + VERSIONS_MS });
  return versions;
}

/** A text as residents read it: a published version, or the standard text (`body` null, version 0). */
export interface LegalText {
  kind: LegalKind;
  version: number;
  body: Translated | null;
  publishedAt: Date | null;
}

export async function currentText(ctx: AppContext, organisationId: number, kind: LegalKind): Promise<LegalText> {
  const [latest] = await findTextVersions(ctx.db, organisationId, kind, 1);
  return latest
    ? { kind, version: latest.version, body: latest.body, publishedAt: latest.publishedAt }
    : { kind, version: 0, body: null, publishedAt: null };
}

/**
 * The texts a person must accept again before taking part: those whose version in force is newer than
 * the last they accepted (an account with no acceptance accepted the standard texts when it signed up).
 * Staff and moderators are not asked. Cheap when nothing was published: no read about the person.
 */
export async function textsToAccept(ctx: AppContext, viewer: Viewer): Promise<LegalKind[]> {
  if (!boundByResidentTexts(viewer)) return [];
  const current = await currentVersions(ctx, viewer.organisationId);
  if (current.privacy === 0 && current.conduct === 0) return [];
  if (upToDate.get(viewer.id) === key(current)) return [];
  const accepted = await findAcceptedVersions(ctx.db, viewer.id);
  const pending = LEGAL_KINDS.filter((kind) => accepted[kind] < current[kind]);
  if (pending.length === 0) remember(viewer.id, current);
  return pending;
}

function remember(userId: number, versions: LegalVersions): void {
  if (upToDate.size >= REMEMBERED_PEOPLE) upToDate.clear();
  upToDate.set(userId, key(versions));
}

/**
 * The viewer accepts the versions they were shown (the interstitial page sends them back). A version
 * that is not published in this city is ignored; one older than the version in force is recorded, and
 * the newer one is asked for next.
 */
export async function acceptTexts(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  shown: Partial<Record<LegalKind, number>>,
): Promise<void> {
  authorizeLegal(viewer, 'accept');
  const current = await findCurrentVersions(ctx.db, organisation.id);
  const valid: Partial<LegalVersions> = {};
  for (const kind of LEGAL_KINDS) {
    const version = shown[kind];
    if (version !== undefined && Number.isInteger(version) && version >= 0 && version <= current[kind])
      valid[kind] = version;
  }
  await insertAcceptances(ctx.db, organisation.id, viewer.id, valid);
  if (LEGAL_KINDS.every((kind) => valid[kind] === current[kind])) remember(viewer.id, current);
}

/** At sign-up: the new account accepted the versions in force (the form links to them). */
export async function recordSignUpAcceptance(db: Executor, organisationId: number, userId: number): Promise<void> {
  await insertAcceptances(db, organisationId, userId, await findCurrentVersions(db, organisationId));
}

export type PublishOutcome =
  | { ok: true; version: number }
  | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, 'required' | 'tooLong'> };

/** Checks a text's languages: the city's main language is required; none may be longer than the maximum. */
export function checkText(
  organisation: Organisation,
  body: Translated,
  prefix: string,
): { text: Translated; fields: Record<string, 'required' | 'tooLong'> } {
  const fields: Record<string, 'required' | 'tooLong'> = {};
  const text: Translated = {};
  for (const language of organisation.languages) {
    const value = (body[language] ?? '').replace(/\r\n/g, '\n').trim();
    if (value.length > LEGAL_TEXT_MAX) fields[`${prefix}_${language}`] = 'tooLong';
    else if (value) text[language] = value;
  }
  if (!text[organisation.defaultLanguage] && !fields[`${prefix}_${organisation.defaultLanguage}`])
    fields[`${prefix}_${organisation.defaultLanguage}`] = 'required';
  return { text, fields };
}

/**
 * An administrator publishes a new version of a text: stored beside the older ones (never changed),
 * audited; every resident is asked to accept it before they next take part.
 */
export async function publishText(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  kind: LegalKind,
  body: Translated,
): Promise<PublishOutcome> {
  authorizeLegal(viewer, 'publish');
  const { text, fields } = checkText(organisation, body, 'text');
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const publish = () =>
    ctx.db.transaction().execute(async (tx) => {
      const version = await insertNextVersion(tx, organisation.id, kind, text, viewer.id);
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: { id: viewer.id, label: viewer.displayName },
        action: 'legal.publish',
        subjectType: `legal_${kind}`,
        subjectId: version,
        after: { kind, version, languages: Object.keys(text) },
      });
      return version;
    });
  let version: number;
  try {
    version = await publish();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    version = await publish(); // another administrator took this number a moment ago
  }
  versionsByCity.delete(organisation.id);
  return { ok: true, version };
}

/** The published versions of a text, for the administrators' page. */
export async function textHistory(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  kind: LegalKind,
): Promise<LegalTextVersion[]> {
  authorizeLegal(viewer, 'publish');
  return findTextVersions(ctx.db, organisation.id, kind);
}

/** Which versions a resident accepted and when, in their data export; erased with the account. */
export const legalPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const rows = await findAcceptancesOfUser(tx, userId);
    return {
      acceptedTexts: rows.map((row) => ({
        text: row.kind,
        version: row.version,
        acceptedAt: row.accepted_at.toISOString(),
      })),
    };
  },
  async erase(tx, userId) {
    upToDate.delete(userId);
    await deleteAcceptancesOfUser(tx, userId);
  },
};
