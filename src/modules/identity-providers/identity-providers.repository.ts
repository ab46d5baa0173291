import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { Language } from '../../platform/i18n/languages.ts';
import { hashToken } from '../../platform/auth/tokens.ts';
import './identity-providers.schema.ts';
import type { GrantedLevel, ProviderAudience } from './identity-providers.schema.ts';

/** A provider as the use cases see it; the client secret stays sealed. */
export interface ProviderRow {
  id: number;
  organisationId: number;
  name: Translated;
  issuer: string;
  clientId: string;
  clientSecretSealed: string | null;
  scopes: string;
  audience: ProviderAudience;
  grantsLevel: GrantedLevel;
  linkByEmail: boolean;
  enabled: boolean;
  updatedAt: Date;
}

const PROVIDER_COLUMNS = [
  'id',
  'organisation_id',
  'name',
  'issuer',
  'client_id',
  'client_secret_sealed',
  'scopes',
  'audience',
  'grants_level',
  'link_by_email',
  'enabled',
  'updated_at',
] as const;

function toProvider(row: {
  id: number;
  organisation_id: number;
  name: Translated;
  issuer: string;
  client_id: string;
  client_secret_sealed: string | null;
  scopes: string;
  audience: ProviderAudience;
  grants_level: GrantedLevel;
  link_by_email: boolean;
  enabled: boolean;
  updated_at: Date;
}): ProviderRow {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    scopes: row.scopes,
    audience: row.audience,
    grantsLevel: row.grants_level,
    linkByEmail: row.link_by_email,
    enabled: row.enabled,
    updatedAt: row.updated_at,
  };
}

/** The city's providers, in the order they were added. */
export async function findProviders(db: Executor, organisationId: number): Promise<ProviderRow[]> {
  const rows = await db
    .selectFrom('identity_providers_provider')
    .select(PROVIDER_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  return rows.map(toProvider);
}

export async function findProvider(
  db: Executor,
  organisationId: number,
  providerId: number,
): Promise<ProviderRow | undefined> {
  const row = await db
    .selectFrom('identity_providers_provider')
    .select(PROVIDER_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', providerId)
    .executeTakeFirst();
  return row ? toProvider(row) : undefined;
}

export interface ProviderValues {
  name: Translated;
  issuer: string;
  clientId: string;
  /** undefined: keep the stored one. */
  clientSecretSealed?: string | null;
  scopes: string;
  audience: ProviderAudience;
  grantsLevel: GrantedLevel;
  linkByEmail: boolean;
  enabled: boolean;
}

function columns(values: ProviderValues) {
  return {
    name: JSON.stringify(values.name),
    issuer: values.issuer,
    client_id: values.clientId,
    ...(values.clientSecretSealed === undefined ? {} : { client_secret_sealed: values.clientSecretSealed }),
    scopes: values.scopes,
    audience: values.audience,
    grants_level: values.grantsLevel,
    link_by_email: values.linkByEmail,
    enabled: values.enabled,
  };
}

/** Stores a new provider; undefined when the city already has one with this issuer and client id. */
export async function insertProvider(
  db: Executor,
  organisationId: number,
  values: ProviderValues,
): Promise<number | undefined> {
  const row = await db
    .insertInto('identity_providers_provider')
    .values({ organisation_id: organisationId, ...columns(values) })
    .onConflict((conflict) => conflict.columns(['organisation_id', 'issuer', 'client_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Changes a provider; false when another of the city's providers has this issuer and client id. */
export async function updateProvider(
  db: Executor,
  organisationId: number,
  providerId: number,
  values: ProviderValues,
): Promise<boolean> {
  const clash = await db
    .selectFrom('identity_providers_provider')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('issuer', '=', values.issuer)
    .where('client_id', '=', values.clientId)
    .where('id', '!=', providerId)
    .executeTakeFirst();
  if (clash) return false;
  await db
    .updateTable('identity_providers_provider')
    .set({ ...columns(values), updated_at: new Date() })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', providerId)
    .execute();
  return true;
}

export async function deleteProvider(db: Executor, organisationId: number, providerId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('identity_providers_provider')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', providerId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Every sealed client secret of every city (for a rotation of SECRET_KEY). */
export async function findSealedClientSecrets(db: Executor) {
  return db
    .selectFrom('identity_providers_provider')
    .select(['id', 'client_secret_sealed'])
    .where('client_secret_sealed', 'is not', null)
    .orderBy('id')
    .execute();
}

export async function storeSealedClientSecret(db: Executor, providerId: number, sealed: string | null) {
  await db
    .updateTable('identity_providers_provider')
    .set({ client_secret_sealed: sealed })
    .where('id', '=', providerId)
    .execute();
}

/** A sign-in attempt in progress. */
export interface Attempt {
  providerId: number;
  userId: number | null;
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  expiresAt: Date;
}

export async function insertAttempt(
  db: Executor,
  organisationId: number,
  token: string,
  attempt: Attempt,
): Promise<void> {
  await db.deleteFrom('identity_providers_attempt').where('expires_at', '<', new Date()).execute();
  await db
    .insertInto('identity_providers_attempt')
    .values({
      id: hashToken(token),
      organisation_id: organisationId,
      provider_id: attempt.providerId,
      user_id: attempt.userId,
      state: attempt.state,
      nonce: attempt.nonce,
      code_verifier: attempt.codeVerifier,
      next: attempt.next,
      expires_at: attempt.expiresAt,
    })
    .execute();
}

/** Takes the attempt of this browser's cookie (it can be used once), expired or not. */
export async function takeAttempt(db: Executor, organisationId: number, token: string): Promise<Attempt | undefined> {
  const row = await db
    .deleteFrom('identity_providers_attempt')
    .where('id', '=', hashToken(token))
    .where('organisation_id', '=', organisationId)
    .returning(['provider_id', 'user_id', 'state', 'nonce', 'code_verifier', 'next', 'expires_at'])
    .executeTakeFirst();
  return row
    ? {
        providerId: row.provider_id,
        userId: row.user_id,
        state: row.state,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        next: row.next,
        expiresAt: row.expires_at,
      }
    : undefined;
}

/** A person's link to a provider's subject. */
export interface LinkRow {
  id: number;
  userId: number;
  providerId: number;
  issuer: string;
  subject: string;
  email: string | null;
  linkedAt: Date;
  lastUsedAt: Date | null;
}

function toLink(row: {
  id: number;
  user_id: number;
  provider_id: number;
  issuer: string;
  subject: string;
  email: string | null;
  linked_at: Date;
  last_used_at: Date | null;
}): LinkRow {
  return {
    id: row.id,
    userId: row.user_id,
    providerId: row.provider_id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    linkedAt: row.linked_at,
    lastUsedAt: row.last_used_at,
  };
}

const LINK_COLUMNS = [
  'id',
  'user_id',
  'provider_id',
  'issuer',
  'subject',
  'email',
  'linked_at',
  'last_used_at',
] as const;

export async function findLinkBySubject(
  db: Executor,
  organisationId: number,
  issuer: string,
  subject: string,
): Promise<LinkRow | undefined> {
  const row = await db
    .selectFrom('identity_providers_link')
    .select(LINK_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row ? toLink(row) : undefined;
}

export async function findLinksOfUser(db: Executor, userId: number): Promise<LinkRow[]> {
  const rows = await db
    .selectFrom('identity_providers_link')
    .select(LINK_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map(toLink);
}

/** Links an account to a provider's subject; false when the subject or the pair is taken meanwhile. */
export async function insertLink(
  db: Executor,
  organisationId: number,
  link: { userId: number; providerId: number; issuer: string; subject: string; email: string | null },
): Promise<boolean> {
  const row = await db
    .insertInto('identity_providers_link')
    .values({
      organisation_id: organisationId,
      user_id: link.userId,
      provider_id: link.providerId,
      issuer: link.issuer,
      subject: link.subject,
      email: link.email,
      last_used_at: new Date(),
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function markLinkUsed(db: Executor, linkId: number): Promise<void> {
  await db.updateTable('identity_providers_link').set({ last_used_at: new Date() }).where('id', '=', linkId).execute();
}

export async function deleteLink(db: Executor, userId: number, linkId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('identity_providers_link')
    .where('user_id', '=', userId)
    .where('id', '=', linkId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteLinksOfUser(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('identity_providers_link').where('user_id', '=', userId).execute();
}

/** The account an identity may sign in to: live, in the city. */
export async function findLiveUser(db: Executor, organisationId: number, userId: number) {
  return db
    .selectFrom('core_user')
    .select(['id', 'role', 'email', 'email_confirmed_at', 'password_hash'])
    .select(
      sql<boolean>`exists (select 1 from core_department_member m where m.user_id = core_user.id)`.as('in_department'),
    )
    .where('organisation_id', '=', organisationId)
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Whether an account can still sign in with a password. */
export async function hasPassword(db: Executor, userId: number): Promise<boolean> {
  const row = await db.selectFrom('core_user').select('password_hash').where('id', '=', userId).executeTakeFirst();
  return Boolean(row?.password_hash);
}

/** Confirms the address of an account whose identity provider vouched for it. */
export async function confirmEmailOf(db: Executor, userId: number): Promise<void> {
  await db
    .updateTable('core_user')
    .set({ email_confirmed_at: sql`coalesce(email_confirmed_at, now())` })
    .where('id', '=', userId)
    .execute();
}

/**
 * A resident account made at a first sign-in through a provider: no password (the provider is the way
 * in), the address confirmed when the provider said it verified it. Undefined when the address is taken.
 */
export async function insertResidentFromProvider(
  db: Executor,
  organisationId: number,
  resident: { email: string | null; emailVerified: boolean; displayName: string; language: Language },
): Promise<number | undefined> {
  const row = await db
    .insertInto('core_user')
    .values({
      organisation_id: organisationId,
      email: resident.email,
      display_name: resident.displayName,
      password_hash: null,
      role: 'resident',
      language: resident.language,
      email_confirmed_at: resident.email && resident.emailVerified ? new Date() : null,
      birth_year: null,
      deleted_at: null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
