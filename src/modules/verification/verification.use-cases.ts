import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import { findUserByEmail, type Viewer } from '../../platform/auth/users.ts';
import { hmac } from '../../platform/auth/tokens.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { PersonalDataProvider } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistricts } from '../places/index.ts';
import { identityHash, isDocumentNumber, normaliseBirthDate, normaliseDocumentNumber } from './identity.ts';
import { authorizeVerification } from './verification.policy.ts';
import type { VerificationMethod } from './verification.schema.ts';
import {
  deleteVerification,
  findVerificationOfUser,
  findCensusEntry,
  findEligibilityFacts,
  findVerification,
  type EligibilityFacts,
  insertVerification,
  upsertCensusEntries,
  violatedConstraint,
  type Verification,
} from './verification.repository.ts';

/** One row of a census file or of the census API. */
export interface CensusRow {
  documentNumber: string;
  birthDate: string;
  districtCode?: string | undefined;
}

export interface CensusImportResult {
  received: number;
  inserted: number;
  updated: number;
  /** Rows left out, numbered from 1 in the order received, with the reason's code. */
  rejected: Array<{ row: number; problem: 'document-number' | 'birth-date' | 'district' }>;
}

/** Attempts at self-verification a person may make per hour: enough for typos, too few to guess. */
const ATTEMPTS_PER_HOUR = 10;

/**
 * Imports census rows: each valid row becomes the keyed hash of its normalised document number and birth
 * date, with the district when given; the plain values are dropped here and never reach the database.
 * Rows already there keep their entry (and any account verified with it) and get the new district.
 */
export async function importCensus(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  rows: readonly CensusRow[],
): Promise<CensusImportResult> {
  authorizeVerification(viewer, 'import-census');
  const districts = new Map(
    (await findDistricts(ctx.db, organisation.id)).map((district) => [district.code.toLowerCase(), district.id]),
  );
  const rejected: CensusImportResult['rejected'] = [];
  const byHash = new Map<string, number | null>();
  rows.forEach((row, index) => {
    const document = normaliseDocumentNumber(row.documentNumber);
    if (!isDocumentNumber(document)) return void rejected.push({ row: index + 1, problem: 'document-number' });
    const birthDate = normaliseBirthDate(row.birthDate);
    if (!birthDate) return void rejected.push({ row: index + 1, problem: 'birth-date' });
    const code = row.districtCode?.trim().toLowerCase() ?? '';
    const districtId = code ? districts.get(code) : null;
    if (districtId === undefined) return void rejected.push({ row: index + 1, problem: 'district' });
    byHash.set(identityHash(ctx.config.secretKey, organisation.id, document, birthDate), districtId);
  });
  const entries = [...byHash].map(([hash, districtId]) => ({ hash, districtId }));
  const counts = await ctx.db.transaction().execute(async (tx) => {
    const result = await upsertCensusEntries(tx, organisation.id, viewer.id, entries);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'verification.census_import',
      subjectType: 'census',
      after: { received: rows.length, inserted: result.inserted, updated: result.updated, rejected: rejected.length },
    });
    return result;
  });
  return { received: rows.length, ...counts, rejected };
}

export type VerifyOutcome =
  | { ok: true; verification: Verification }
  | {
      ok: false;
      code:
        | 'VERIFICATION_INVALID_INPUT'
        | 'VERIFICATION_NO_MATCH'
        | 'VERIFICATION_IDENTITY_IN_USE'
        | 'VERIFICATION_ALREADY_VERIFIED';
      field?: 'documentNumber' | 'birthDate';
    };

/**
 * A resident verifies their own account: the document number and birth date they type are hashed as
 * the census was, and a matching entry that no other account uses makes this account a verified
 * resident, with the birth year and the census district. Attempts are limited per account.
 */
export async function verifyWithCensus(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { documentNumber: string; birthDate: string },
): Promise<VerifyOutcome> {
  authorizeVerification(viewer, 'verify-self');
  if (await findVerification(ctx.db, organisation.id, viewer.id))
    return { ok: false, code: 'VERIFICATION_ALREADY_VERIFIED' };
  const document = normaliseDocumentNumber(input.documentNumber);
  if (!isDocumentNumber(document)) return { ok: false, code: 'VERIFICATION_INVALID_INPUT', field: 'documentNumber' };
  const birthDate = normaliseBirthDate(input.birthDate);
  if (!birthDate) return { ok: false, code: 'VERIFICATION_INVALID_INPUT', field: 'birthDate' };
  const limit = await consumeRateLimit(ctx.db, organisation.id, {
    key: `verification:user:${viewer.id}`,
    limit: ATTEMPTS_PER_HOUR,
    windowSeconds: 3600,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });

  const hash = identityHash(ctx.config.secretKey, organisation.id, document, birthDate);
  const entry = await findCensusEntry(ctx.db, organisation.id, hash);
  if (!entry) return { ok: false, code: 'VERIFICATION_NO_MATCH', field: 'documentNumber' };
  return saveVerification(ctx, organisation, {
    userId: viewer.id,
    method: 'census',
    hash,
    censusId: entry.id,
    birthYear: Number(birthDate.slice(0, 4)),
    districtId: entry.district_id,
    verifiedBy: null,
  });
}

/**
 * Staff verify a resident who came to a desk with an identity document. The identity is hashed like a
 * census entry, so it can back only one account either way; the census is not required. Audited.
 */
export async function verifyInPerson(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { email: string; documentNumber: string; birthDate: string; districtId: number | null },
): Promise<
  | VerifyOutcome
  | { ok: false; code: 'VERIFICATION_USER_NOT_FOUND' | 'VERIFICATION_UNKNOWN_DISTRICT'; field: 'email' | 'districtId' }
> {
  authorizeVerification(viewer, 'verify-in-person');
  const user = await findUserByEmail(ctx.db, organisation.id, input.email);
  if (!user) return { ok: false, code: 'VERIFICATION_USER_NOT_FOUND', field: 'email' };
  const document = normaliseDocumentNumber(input.documentNumber);
  if (!isDocumentNumber(document)) return { ok: false, code: 'VERIFICATION_INVALID_INPUT', field: 'documentNumber' };
  const birthDate = normaliseBirthDate(input.birthDate);
  if (!birthDate) return { ok: false, code: 'VERIFICATION_INVALID_INPUT', field: 'birthDate' };
  if (
    input.districtId !== null &&
    !(await findDistricts(ctx.db, organisation.id)).some((district) => district.id === input.districtId)
  ) {
    return { ok: false, code: 'VERIFICATION_UNKNOWN_DISTRICT', field: 'districtId' };
  }
  if (await findVerification(ctx.db, organisation.id, user.id))
    return { ok: false, code: 'VERIFICATION_ALREADY_VERIFIED' };
  const hash = identityHash(ctx.config.secretKey, organisation.id, document, birthDate);
  const census = await findCensusEntry(ctx.db, organisation.id, hash);
  return saveVerification(
    ctx,
    organisation,
    {
      userId: user.id,
      method: 'in_person',
      hash,
      censusId: census?.id ?? null,
      birthYear: Number(birthDate.slice(0, 4)),
      districtId: input.districtId ?? census?.district_id ?? null,
      verifiedBy: viewer.id,
    },
    viewer,
  );
}

/**
 * An identity provider the city trusts to vouch for residence (a national eID reached through OpenID
 * Connect) signed a person in: their account becomes a verified resident with the birth year the provider
 * gave. The provider's identity (issuer and subject) is hashed like a census entry, so it backs one
 * account. Called by the identity-providers module once the provider's answer has passed its checks and
 * the city's administrators said this provider vouches for residence; there is no viewer to authorise.
 */
export async function verifyByIdentityProvider(
  ctx: AppContext,
  organisation: Organisation,
  userId: number,
  input: { issuer: string; subject: string; birthYear: number },
): Promise<VerifyOutcome> {
  if (await findVerification(ctx.db, organisation.id, userId))
    return { ok: false, code: 'VERIFICATION_ALREADY_VERIFIED' };
  if (!Number.isInteger(input.birthYear) || input.birthYear < 1880 || input.birthYear > new Date().getUTCFullYear())
    return { ok: false, code: 'VERIFICATION_INVALID_INPUT', field: 'birthDate' };
  return saveVerification(ctx, organisation, {
    userId,
    method: 'identity_provider',
    hash: hmac(ctx.config.secretKey, `oidc:v1:${organisation.id}:${input.issuer}:${input.subject}`),
    censusId: null,
    birthYear: input.birthYear,
    districtId: null,
    verifiedBy: null,
  });
}

/** Stores a verification; the unique constraints decide a race between two accounts for one identity. */
async function saveVerification(
  ctx: AppContext,
  organisation: Organisation,
  values: {
    userId: number;
    method: VerificationMethod;
    hash: string;
    censusId: number | null;
    birthYear: number;
    districtId: number | null;
    verifiedBy: number | null;
  },
  staff?: Viewer,
): Promise<VerifyOutcome> {
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await insertVerification(tx, { organisationId: organisation.id, ...values });
      if (staff) {
        await recordAudit(tx, {
          organisationId: organisation.id,
          actor: { id: staff.id, label: staff.displayName },
          action: 'verification.in_person',
          subjectType: 'user',
          subjectId: values.userId,
          after: {
            method: values.method,
            birthYear: values.birthYear,
            districtId: values.districtId,
            onCensus: values.censusId !== null,
          },
        });
      }
    });
  } catch (error) {
    const constraint = violatedConstraint(error);
    if (constraint === 'verification_identity_pkey') return { ok: false, code: 'VERIFICATION_ALREADY_VERIFIED' };
    if (constraint) return { ok: false, code: 'VERIFICATION_IDENTITY_IN_USE', field: 'documentNumber' };
    throw error;
  }
  const verification = await findVerification(ctx.db, organisation.id, values.userId);
  if (!verification) throw new Error('verification vanished after insert');
  return { ok: true, verification };
}

/** What a part of the platform (a budget, a process) asks of a participant. */
export interface EligibilityRule {
  level: 'email' | 'verified';
  minAge?: number | undefined;
  maxAge?: number | undefined;
  /** Only residents verified in one of these districts. */
  districtIds?: readonly number[] | undefined;
}

export type EligibilityReason = 'not-signed-in' | 'email-not-confirmed' | 'not-verified' | 'age' | 'district';
/**
 * A refusal says why; `missing` says what the person can still give to be judged at all: for an age rule
 * at the e-mail level, a year of birth they have not declared ('birth-year'), as opposed to an age outside
 * the range. A rule at the verified level asks for verification ('not-verified') instead.
 */
export type Eligibility = { ok: true } | { ok: false; reason: EligibilityReason; missing?: 'birth-year' };

/**
 * Whether a person may take part under a rule. Age is the age reached in the current calendar year
 * (only the birth year is kept): the verified birth year when there is one (it wins over a declared
 * one), else the year the person declared in their account, which counts only for rules at the e-mail
 * level; without either, the refusal says the year is missing. A district can only be proven by a
 * verification, so a district rule asks an unverified person to verify ('not-verified').
 */
export async function checkEligibility(
  executor: Executor,
  organisationId: number,
  userId: number | null | undefined,
  rule: EligibilityRule,
  now = new Date(),
): Promise<Eligibility> {
  if (userId === null || userId === undefined) return { ok: false, reason: 'not-signed-in' };
  return decideEligibility(await findEligibilityFacts(executor, organisationId, userId), rule, now);
}

/**
 * The same decision as `checkEligibility` on facts already loaded — by a hot path that fetches them in
 * its own query through `eligibilityFactsJson` (a ballot: one round trip instead of two).
 */
export function decideEligibility(
  facts: EligibilityFacts | undefined,
  rule: EligibilityRule,
  now = new Date(),
): Eligibility {
  if (!facts) return { ok: false, reason: 'not-signed-in' };
  if (facts.email_confirmed_at === null) return { ok: false, reason: 'email-not-confirmed' };
  const verified = facts.verified_user !== null;
  if (rule.level === 'verified' && !verified) return { ok: false, reason: 'not-verified' };
  if (rule.minAge !== undefined || rule.maxAge !== undefined) {
    const birthYear = verified ? facts.verified_birth_year : rule.level === 'email' ? facts.declared_birth_year : null;
    if (birthYear === null) {
      if (rule.level === 'email' && !verified) return { ok: false, reason: 'age', missing: 'birth-year' };
      return { ok: false, reason: verified ? 'age' : 'not-verified' };
    }
    const age = now.getUTCFullYear() - birthYear;
    if ((rule.minAge !== undefined && age < rule.minAge) || (rule.maxAge !== undefined && age > rule.maxAge))
      return { ok: false, reason: 'age' };
  }
  if (rule.districtIds && rule.districtIds.length > 0) {
    if (!verified) return { ok: false, reason: 'not-verified' };
    if (facts.district_id === null || !rule.districtIds.includes(facts.district_id))
      return { ok: false, reason: 'district' };
  }
  return { ok: true };
}

/**
 * Verification in a resident's data export (method, birth year, district, date — the identity hash is
 * not personal data the resident could use, and is left out); erasing deletes the verification, which
 * frees the identity for a future account.
 */
export const verificationPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const row = await findVerificationOfUser(tx, userId);
    return {
      verification: row
        ? {
            level: 'verified',
            method: row.method,
            birthYear: row.birthYear,
            districtId: row.districtId,
            verifiedAt: row.verifiedAt.toISOString(),
          }
        : null,
    };
  },
  async erase(tx, userId) {
    await deleteVerification(tx, userId);
  },
};

/**
 * Reads a census CSV: a header naming the columns (documentNumber, birthDate, districtCode — also with
 * underscores or spaces, any case), comma or semicolon separated, quoted fields allowed.
 */
export function parseCensusCsv(text: string): { rows: CensusRow[]; problem?: 'header' } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = lines.shift();
  if (!header) return { rows: [], problem: 'header' };
  const separator = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  const columns = splitCsvLine(header, separator).map((name) => name.toLowerCase().replace(/[\s_-]/g, ''));
  const documentColumn = columns.findIndex((name) => name === 'documentnumber' || name === 'document');
  const birthColumn = columns.findIndex((name) => name === 'birthdate' || name === 'dateofbirth');
  const districtColumn = columns.findIndex((name) => name === 'districtcode' || name === 'district');
  if (documentColumn < 0 || birthColumn < 0) return { rows: [], problem: 'header' };
  return {
    rows: lines.map((line) => {
      const cells = splitCsvLine(line, separator);
      return {
        documentNumber: cells[documentColumn] ?? '',
        birthDate: cells[birthColumn] ?? '',
        districtCode: districtColumn >= 0 ? cells[districtColumn] : undefined,
      };
    }),
  };
}

function splitCsvLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        current += '"';
        index++;
      } else if (character === '"') quoted = false;
      else current += character ?? '';
    } else if (character === '"') quoted = true;
    else if (character === separator) {
      cells.push(current.trim());
      current = '';
    } else current += character ?? '';
  }
  cells.push(current.trim());
  return cells;
}
