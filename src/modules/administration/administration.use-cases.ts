import {
  API_KEY_SCOPES,
  createApiKey,
  DEFAULT_API_KEY_QUOTA,
  setApiKeyQuota,
  type ApiKeyQuota,
  type ApiKeyScope,
} from '../../platform/auth/api-keys.ts';
import { readApiKeyUsage, type QuotaUsage } from '../../platform/auth/api-quota.ts';
import { clearFailedSignIns, failedSignIns } from '../../platform/auth/sign-in-throttle.ts';
import { findUserByEmail, type Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import type { Role, Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isEmail } from '../../platform/validation.ts';
import {
  countAdministrators,
  countDepartmentsAmong,
  deleteDepartmentMember,
  findApiKeyById,
  findDepartmentById,
  findUserById,
  insertDepartment,
  insertDepartmentMember,
  isDepartmentSlugTaken,
  markApiKeyRevoked,
  setDepartmentArchivedAt,
  setRoleAndDepartments,
  updateDepartmentRow,
} from './administration.repository.ts';
import { authorizeAdministration } from './administration.policy.ts';

/** Why a field is refused, as a code; pages and the API show the message `error.<code>`. */
export type FieldProblem =
  | 'LANGUAGES_INVALID'
  | 'NAME_MISSING_DEFAULT'
  | 'TIME_ZONE_INVALID'
  | 'COORDINATES_INVALID'
  | 'COLOUR_INVALID'
  | 'EMAIL_INVALID'
  | 'SLUG_INVALID'
  | 'SLUG_TAKEN'
  | 'USER_NOT_FOUND'
  | 'NAME_REQUIRED'
  | 'NAME_TOO_LONG'
  | 'API_KEY_SCOPES_REQUIRED';

/** Field problems by field name; a use case returns them instead of changing anything. */
export type FieldErrors = Record<string, FieldProblem>;
export type Outcome<T> = ({ ok: true } & T) | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors };

function invalid(fields: FieldErrors): { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors } {
  return { ok: false, code: 'VALIDATION_FAILED', fields };
}

export const ROLES: readonly Role[] = ['resident', 'staff', 'moderator', 'admin'];
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/;

function actorOf(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

/** Keeps the non-empty translations of a staff-written text, trimmed, for the city's languages only. */
function cleanTranslated(value: Translated, languages: readonly string[], maxLength: number): Translated {
  const out: Translated = {};
  for (const language of languages) {
    const text = value[language]?.trim();
    if (text) out[language] = text.slice(0, maxLength);
  }
  return out;
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Whether white text on this colour reaches the 4.5:1 contrast WCAG AA asks for (buttons, header). */
export function isReadableUnderWhite(hex: string): boolean {
  return /^#[0-9a-f]{6}$/i.test(hex) && 1.05 / (luminance(hex) + 0.05) >= 4.5;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

export interface CitySettingsInput {
  name: Translated;
  tagline: Translated;
  languages: string[];
  defaultLanguage: string;
  timeZone: string;
  lat: number;
  lng: number;
  zoom: number;
  primaryColor: string;
}

/** Changes the city's name, languages, map centre and colours; audited with before and after. */
export async function updateCitySettings(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: CitySettingsInput,
): Promise<Outcome<{ organisation: Organisation }>> {
  authorizeAdministration(viewer, 'manage-city');
  const errors: FieldErrors = {};
  const languages: string[] = [...new Set(input.languages)].filter(isLanguage);
  if (
    languages.length === 0 ||
    languages.length !== input.languages.length ||
    !languages.includes(input.defaultLanguage)
  )
    errors.languages = 'LANGUAGES_INVALID';
  const name = cleanTranslated(input.name, languages, 120);
  if (!name[input.defaultLanguage]) errors[`name_${input.defaultLanguage}`] = 'NAME_MISSING_DEFAULT';
  if (!isTimeZone(input.timeZone)) errors.timeZone = 'TIME_ZONE_INVALID';
  if (
    !Number.isFinite(input.lat) ||
    Math.abs(input.lat) > 90 ||
    !Number.isFinite(input.lng) ||
    Math.abs(input.lng) > 180
  )
    errors.lat = 'COORDINATES_INVALID';
  if (!Number.isInteger(input.zoom) || input.zoom < 1 || input.zoom > 19) errors.zoom = 'COORDINATES_INVALID';
  if (!isReadableUnderWhite(input.primaryColor)) errors.primaryColor = 'COLOUR_INVALID';
  if (Object.keys(errors).length > 0) return invalid(errors);

  const before = {
    name: organisation.name,
    languages: organisation.languages,
    defaultLanguage: organisation.defaultLanguage,
    timeZone: organisation.timeZone,
    map: organisation.map,
    branding: organisation.branding,
  };
  const branding = {
    ...organisation.branding,
    primaryColor: input.primaryColor.toLowerCase(),
    tagline: cleanTranslated(input.tagline, languages, 200),
  };
  const updated = await inTransaction(ctx.db, async (tx) => {
    const result = await ctx.organisations.update(
      organisation.id,
      {
        name,
        languages,
        defaultLanguage: input.defaultLanguage,
        timeZone: input.timeZone,
        map: { lat: input.lat, lng: input.lng, zoom: input.zoom },
        branding,
      },
      tx,
    );
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'organisation.update',
      subjectType: 'organisation',
      subjectId: organisation.id,
      before,
      after: {
        name: result.name,
        languages: result.languages,
        defaultLanguage: result.defaultLanguage,
        timeZone: result.timeZone,
        map: result.map,
        branding: result.branding,
      },
    });
    return result;
  });
  return { ok: true, organisation: updated };
}

export interface DepartmentInput {
  slug: string;
  name: Translated;
  email: string;
}

function checkDepartment(
  input: DepartmentInput,
  organisation: Organisation,
  errors: FieldErrors,
): { name: Translated; email: string | null } {
  const name = cleanTranslated(input.name, organisation.languages, 120);
  if (!name[organisation.defaultLanguage]) errors[`name_${organisation.defaultLanguage}`] = 'NAME_MISSING_DEFAULT';
  const email = input.email.trim();
  if (email && !isEmail(email)) errors.email = 'EMAIL_INVALID';
  return { name, email: email || null };
}

/** Creates a department; its short name must be unique in the city. */
export async function createDepartment(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: DepartmentInput,
): Promise<Outcome<{ id: number }>> {
  authorizeAdministration(viewer, 'manage-departments');
  const errors: FieldErrors = {};
  const slug = input.slug.trim().toLowerCase();
  if (!SLUG.test(slug)) errors.slug = 'SLUG_INVALID';
  const { name, email } = checkDepartment(input, organisation, errors);
  if (Object.keys(errors).length > 0) return invalid(errors);
  return inTransaction(ctx.db, async (tx) => {
    if (await isDepartmentSlugTaken(tx, organisation.id, slug)) return invalid({ slug: 'SLUG_TAKEN' });
    const id = await insertDepartment(tx, organisation.id, { slug, name, email });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'department.create',
      subjectType: 'department',
      subjectId: id,
      after: { slug, name, email },
    });
    return { ok: true as const, id };
  });
}

/** Renames a department or changes its e-mail address. */
export async function updateDepartment(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  input: Omit<DepartmentInput, 'slug'>,
): Promise<Outcome<object>> {
  authorizeAdministration(viewer, 'manage-departments');
  const department = await findDepartmentById(ctx.db, organisation.id, id);
  if (!department) throw new AppError('DEPARTMENT_NOT_FOUND');
  const errors: FieldErrors = {};
  const { name, email } = checkDepartment({ ...input, slug: department.slug }, organisation, errors);
  if (Object.keys(errors).length > 0) return invalid(errors);
  await inTransaction(ctx.db, async (tx) => {
    await updateDepartmentRow(tx, organisation.id, id, { name, email });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'department.update',
      subjectType: 'department',
      subjectId: id,
      before: { name: department.name, email: department.email },
      after: { name, email },
    });
  });
  return { ok: true };
}

/** Archives a department (it keeps its history and members but receives nothing new) or restores it. */
export async function setDepartmentArchived(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  archived: boolean,
): Promise<void> {
  authorizeAdministration(viewer, 'manage-departments');
  const department = await findDepartmentById(ctx.db, organisation.id, id);
  if (!department) throw new AppError('DEPARTMENT_NOT_FOUND');
  if ((department.archivedAt !== null) === archived) return;
  await inTransaction(ctx.db, async (tx) => {
    await setDepartmentArchivedAt(tx, id, archived ? new Date() : null);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: archived ? 'department.archive' : 'department.restore',
      subjectType: 'department',
      subjectId: id,
      before: { archived: !archived },
      after: { archived },
    });
  });
}

/** Adds a person, found by e-mail address, to a department. */
export async function addDepartmentMember(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  departmentId: number,
  email: string,
): Promise<Outcome<{ userId: number }>> {
  authorizeAdministration(viewer, 'manage-departments');
  if (!(await findDepartmentById(ctx.db, organisation.id, departmentId))) throw new AppError('DEPARTMENT_NOT_FOUND');
  const user = await findUserByEmail(ctx.db, organisation.id, email);
  if (!user) return invalid({ email: 'USER_NOT_FOUND' });
  await inTransaction(ctx.db, async (tx) => {
    if (await insertDepartmentMember(tx, organisation.id, departmentId, user.id))
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: actorOf(viewer),
        action: 'department.member.add',
        subjectType: 'department',
        subjectId: departmentId,
        after: { userId: user.id },
      });
  });
  return { ok: true, userId: user.id };
}

/** Removes a person from a department. */
export async function removeDepartmentMember(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  departmentId: number,
  userId: number,
): Promise<void> {
  authorizeAdministration(viewer, 'manage-departments');
  await inTransaction(ctx.db, async (tx) => {
    if (await deleteDepartmentMember(tx, organisation.id, departmentId, userId))
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: actorOf(viewer),
        action: 'department.member.remove',
        subjectType: 'department',
        subjectId: departmentId,
        before: { userId },
      });
  });
}

/**
 * Sets a person's role and departments at once. The city always keeps one administrator, so the last
 * one cannot lose the role (also not by their own hand).
 */
export async function updatePerson(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  userId: number,
  input: { role: Role; departmentIds: number[] },
): Promise<void> {
  authorizeAdministration(viewer, 'manage-people');
  if (!ROLES.includes(input.role))
    throw new AppError('VALIDATION_FAILED', `The role must be one of ${ROLES.join(', ')}.`);
  await inTransaction(ctx.db, async (tx) => {
    const person = await findUserById(tx, organisation.id, userId);
    if (!person) throw new AppError('USER_NOT_FOUND');
    if (person.role === 'admin' && input.role !== 'admin' && (await countAdministrators(tx, organisation.id)) <= 1)
      throw new AppError('LAST_ADMIN');
    const departmentIds = [...new Set(input.departmentIds)].sort((a, b) => a - b);
    if ((await countDepartmentsAmong(tx, organisation.id, departmentIds)) !== departmentIds.length)
      throw new AppError('DEPARTMENT_NOT_FOUND');
    await setRoleAndDepartments(tx, organisation.id, userId, input.role, departmentIds);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'user.update',
      subjectType: 'user',
      subjectId: userId,
      before: { role: person.role, departmentIds: person.department_ids },
      after: { role: input.role, departmentIds },
    });
  });
}

/** Forgets the wrong passwords typed for a person's address, so that sign-in no longer waits there. */
export async function unlockPerson(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  userId: number,
): Promise<void> {
  authorizeAdministration(viewer, 'manage-people');
  await inTransaction(ctx.db, async (tx) => {
    const person = await findUserById(tx, organisation.id, userId);
    if (!person) throw new AppError('USER_NOT_FOUND');
    if (!person.email) return;
    const before = await failedSignIns(tx, ctx.config, organisation.id, person.email);
    await clearFailedSignIns(tx, ctx.config, organisation.id, person.email);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'user.unlock',
      subjectType: 'user',
      subjectId: userId,
      before: { failedSignIns: before.failures },
    });
  });
}

/**
 * Issues an API key for a machine client, with only the scopes ticked (at least one; a key never
 * administers the city). The plain key is in the result and nowhere else.
 */
export async function issueApiKey(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  name: string,
  scopes: readonly string[],
  quota: ApiKeyQuota = DEFAULT_API_KEY_QUOTA,
): Promise<
  Outcome<{
    key: string;
    id: number;
    name: string;
    prefix: string;
    scopes: ApiKeyScope[];
    quota: ApiKeyQuota;
    createdAt: Date;
  }>
> {
  authorizeAdministration(viewer, 'manage-api-keys');
  const clean = name.trim();
  const errors: FieldErrors = {};
  if (!clean) errors.name = 'NAME_REQUIRED';
  else if (clean.length > 100) errors.name = 'NAME_TOO_LONG';
  const chosen = API_KEY_SCOPES.filter((scope) => scopes.includes(scope));
  if (chosen.length === 0 || chosen.length !== new Set(scopes).size) errors.scopes = 'API_KEY_SCOPES_REQUIRED';
  if (Object.keys(errors).length > 0) return invalid(errors);
  return inTransaction(ctx.db, async (tx) => {
    const created = await createApiKey(tx, organisation.id, clean, viewer.id, chosen, quota);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'api-key.create',
      subjectType: 'api-key',
      subjectId: created.id,
      after: { name: clean, prefix: created.prefix, scopes: chosen, quota },
    });
    return {
      ok: true,
      key: created.key,
      id: created.id,
      name: created.name,
      prefix: created.prefix,
      scopes: chosen,
      quota,
      createdAt: created.created_at,
    };
  });
}

/** Changes how many requests a key may make per hour and per day (null: no limit in that window). */
export async function changeApiKeyQuota(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  quota: ApiKeyQuota,
): Promise<void> {
  authorizeAdministration(viewer, 'manage-api-keys');
  await inTransaction(ctx.db, async (tx) => {
    const key = await findApiKeyById(tx, organisation.id, id);
    if (!key) throw new AppError('API_KEY_NOT_FOUND');
    await setApiKeyQuota(tx, organisation.id, id, quota);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'api-key.quota',
      subjectType: 'api-key',
      subjectId: id,
      before: { perHour: key.quota_per_hour, perDay: key.quota_per_day },
      after: { ...quota },
    });
  });
}

/** Revokes an API key at once; requests with it are refused from then on. */
export async function revokeApiKey(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizeAdministration(viewer, 'manage-api-keys');
  await inTransaction(ctx.db, async (tx) => {
    const key = await findApiKeyById(tx, organisation.id, id);
    if (!key) throw new AppError('API_KEY_NOT_FOUND');
    if (key.revoked_at) return;
    await markApiKeyRevoked(tx, id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'api-key.revoke',
      subjectType: 'api-key',
      subjectId: id,
      before: { name: key.name },
    });
  });
}

/**
 * What an API key has used of its quota this hour and this day, for the administrators (every key is
 * issued by one and acts with an administrator's rights).
 */
export async function apiKeyUsage(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<{ name: string; revoked: boolean; usage: QuotaUsage[] }> {
  authorizeAdministration(viewer, 'manage-api-keys');
  const key = await findApiKeyById(ctx.db, organisation.id, id);
  if (!key) throw new AppError('API_KEY_NOT_FOUND');
  const usage = await readApiKeyUsage(ctx.db, organisation.id, {
    id: key.id,
    quota: { perHour: key.quota_per_hour, perDay: key.quota_per_day },
  });
  return { name: key.name, revoked: key.revoked_at !== null, usage };
}
