import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { GrantedLevel, ProviderAudience } from './identity-providers.schema.ts';
import { authorizeProviderAdmin } from './identity-providers.policy.ts';
import {
  deleteProvider,
  findProvider,
  findProviders,
  insertProvider,
  updateProvider,
  type ProviderRow,
} from './identity-providers.repository.ts';
import { discover, issuerAllowed, problemOf } from './oidc.ts';
import { openClientSecret, sealClientSecret } from './secrets.ts';

/** The address the city registers at each provider as its redirect URI. */
export function redirectUri(ctx: AppContext, organisation: Organisation): string {
  return absoluteUrl(ctx.config, organisation, '/sign-in/oidc/callback');
}

/** A provider as its administrators see it: the secret never leaves the server, only whether it is set. */
export interface ProviderSummary extends Omit<ProviderRow, 'clientSecretSealed'> {
  secret: 'none' | 'set' | 'unreadable';
}

function summary(ctx: AppContext, row: ProviderRow): ProviderSummary {
  const { clientSecretSealed, ...rest } = row;
  const secret = !clientSecretSealed
    ? 'none'
    : openClientSecret(ctx.config.secretKey, clientSecretSealed) === undefined
      ? 'unreadable'
      : 'set';
  return { ...rest, secret };
}

export async function listProviders(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
): Promise<ProviderSummary[]> {
  authorizeProviderAdmin(viewer);
  return (await findProviders(ctx.db, organisation.id)).map((row) => summary(ctx, row));
}

export async function getProvider(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  providerId: number,
): Promise<ProviderSummary> {
  authorizeProviderAdmin(viewer);
  const row = await findProvider(ctx.db, organisation.id, providerId);
  if (!row) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND');
  return summary(ctx, row);
}

/** What the administrator typed. An empty secret keeps the stored one; `removeSecret` drops it. */
export interface ProviderInput {
  name: Translated;
  issuer: string;
  clientId: string;
  clientSecret: string;
  removeSecret: boolean;
  scopes: string;
  audience: string;
  grantsLevel: string;
  linkByEmail: boolean;
  enabled: boolean;
}

/** The problem code of each field refused (the page picks the words). */
export type ProviderProblems = Partial<
  Record<
    'name' | 'issuer' | 'clientId' | 'scopes' | 'audience' | 'grantsLevel',
    | 'required'
    | 'issuerInvalid'
    | 'issuerNotHttps'
    | 'issuerUnreachable'
    | 'issuerNotOidc'
    | 'scopesInvalid'
    | 'duplicate'
    | 'invalid'
  >
>;

export type SaveOutcome = { ok: true; id: number } | { ok: false; code: 'VALIDATION_FAILED'; fields: ProviderProblems };

const AUDIENCES: readonly ProviderAudience[] = ['staff', 'residents'];
const LEVELS: readonly GrantedLevel[] = ['none', 'verified'];

/** The checks that need no network; then discovery, through the outbound guard, proves the issuer. */
async function check(
  ctx: AppContext,
  input: ProviderInput,
  storedSecretSealed: string | null,
): Promise<{ ok: true; scopes: string } | { ok: false; code: 'VALIDATION_FAILED'; fields: ProviderProblems }> {
  const fields: ProviderProblems = {};
  if (!Object.values(input.name).some((text) => text.trim() !== '')) fields.name = 'required';
  let issuer: URL | undefined;
  if (input.issuer === '') fields.issuer = 'required';
  else if (!URL.canParse(input.issuer)) fields.issuer = 'issuerInvalid';
  else {
    issuer = new URL(input.issuer);
    if (issuer.username || issuer.password || issuer.search || issuer.hash) fields.issuer = 'issuerInvalid';
    else if (!issuerAllowed(ctx, issuer)) fields.issuer = 'issuerNotHttps';
  }
  if (input.clientId === '') fields.clientId = 'required';
  const scopes = [...new Set(input.scopes.split(/\s+/).filter(Boolean))];
  if (!scopes.includes('openid')) scopes.unshift('openid');
  if (scopes.some((scope) => !/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/.test(scope))) fields.scopes = 'scopesInvalid';
  if (!AUDIENCES.includes(input.audience as ProviderAudience)) fields.audience = 'invalid';
  if (!LEVELS.includes(input.grantsLevel as GrantedLevel)) fields.grantsLevel = 'invalid';
  if (Object.keys(fields).length > 0 || !issuer) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const secret = input.removeSecret
    ? undefined
    : input.clientSecret !== ''
      ? input.clientSecret
      : openClientSecret(ctx.config.secretKey, storedSecretSealed);
  try {
    await discover(ctx, { issuer: input.issuer, clientId: input.clientId, clientSecret: secret });
  } catch (error) {
    const problem = problemOf(error);
    ctx.log.info({ err: problem.cause, issuer: input.issuer }, 'identity provider discovery failed');
    return {
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { issuer: problem.kind === 'unreachable' ? 'issuerUnreachable' : 'issuerNotOidc' },
    };
  }
  return { ok: true, scopes: scopes.join(' ') };
}

function values(ctx: AppContext, input: ProviderInput, scopes: string) {
  return {
    name: Object.fromEntries(Object.entries(input.name).map(([language, text]) => [language, text.trim()])),
    issuer: input.issuer,
    clientId: input.clientId,
    ...(input.removeSecret
      ? { clientSecretSealed: null }
      : input.clientSecret !== ''
        ? { clientSecretSealed: sealClientSecret(ctx.config.secretKey, input.clientSecret) }
        : {}),
    scopes,
    audience: input.audience as ProviderAudience,
    grantsLevel: input.grantsLevel as GrantedLevel,
    linkByEmail: input.linkByEmail,
    enabled: input.enabled,
  };
}

function audited(input: ProviderInput, scopes: string) {
  return {
    issuer: input.issuer,
    clientId: input.clientId,
    scopes,
    audience: input.audience,
    grantsLevel: input.grantsLevel,
    linkByEmail: input.linkByEmail,
    enabled: input.enabled,
    secretChanged: input.removeSecret || input.clientSecret !== '',
  };
}

export async function createProvider(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: ProviderInput,
): Promise<SaveOutcome> {
  authorizeProviderAdmin(viewer);
  const checked = await check(ctx, input, null);
  if (!checked.ok) return checked;
  const id = await ctx.db.transaction().execute(async (tx) => {
    const inserted = await insertProvider(tx, organisation.id, values(ctx, input, checked.scopes));
    if (inserted === undefined) return undefined;
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'identity_provider.create',
      subjectType: 'identity_provider',
      subjectId: inserted,
      after: audited(input, checked.scopes),
    });
    return inserted;
  });
  if (id === undefined) return { ok: false, code: 'VALIDATION_FAILED', fields: { clientId: 'duplicate' } };
  return { ok: true, id };
}

export async function changeProvider(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  providerId: number,
  input: ProviderInput,
): Promise<SaveOutcome> {
  authorizeProviderAdmin(viewer);
  const stored = await findProvider(ctx.db, organisation.id, providerId);
  if (!stored) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND');
  const checked = await check(ctx, input, stored.clientSecretSealed);
  if (!checked.ok) return checked;
  const saved = await ctx.db.transaction().execute(async (tx) => {
    if (!(await updateProvider(tx, organisation.id, providerId, values(ctx, input, checked.scopes)))) return false;
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'identity_provider.update',
      subjectType: 'identity_provider',
      subjectId: providerId,
      after: audited(input, checked.scopes),
    });
    return true;
  });
  if (!saved) return { ok: false, code: 'VALIDATION_FAILED', fields: { clientId: 'duplicate' } };
  return { ok: true, id: providerId };
}

/** Removes a provider and with it every account's link to it (accounts keep their other ways in). */
export async function removeProvider(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  providerId: number,
): Promise<void> {
  authorizeProviderAdmin(viewer);
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await deleteProvider(tx, organisation.id, providerId))) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'identity_provider.delete',
      subjectType: 'identity_provider',
      subjectId: providerId,
    });
  });
}
