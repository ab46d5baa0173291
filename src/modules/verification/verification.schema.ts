import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type VerificationMethod = 'census' | 'in_person' | 'identity_provider';

declare module '../../platform/db/schema.ts' {
  interface Database {
    verification_census: {
      id: Generated<number>;
      organisation_id: number;
      /** HMAC of the normalised document number and birth date; the plain values are never stored. */
      identity_hash: string;
      district_id: number | null;
      imported_by: number | null;
      imported_at: CreatedAt;
    };
    verification_identity: {
      user_id: number;
      organisation_id: number;
      method: VerificationMethod;
      identity_hash: string;
      census_id: number | null;
      birth_year: number;
      district_id: number | null;
      verified_by: number | null;
      verified_at: CreatedAt;
    };
  }
}
