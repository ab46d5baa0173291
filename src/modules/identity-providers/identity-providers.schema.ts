import type { ColumnType, Generated } from 'kysely';
import { Type } from 'typebox';
import type { Translated } from '../../platform/db/schema.ts';
import { Checkbox, TrimmedText } from '../../platform/web/forms.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Who may sign in through a provider: the city's staff only, or residents too. */
export type ProviderAudience = 'staff' | 'residents';
/** The verification level a provider grants when it vouches for residence. */
export type GrantedLevel = 'none' | 'verified';

declare module '../../platform/db/schema.ts' {
  interface Database {
    identity_providers_provider: {
      id: Generated<number>;
      organisation_id: number;
      name: Json<Translated>;
      issuer: string;
      client_id: string;
      client_secret_sealed: string | null;
      scopes: string;
      audience: ProviderAudience;
      grants_level: GrantedLevel;
      link_by_email: boolean;
      enabled: boolean;
      created_at: CreatedAt;
      updated_at: Timestamp;
    };
    identity_providers_link: {
      id: Generated<number>;
      organisation_id: number;
      user_id: number;
      provider_id: number;
      issuer: string;
      subject: string;
      email: string | null;
      linked_at: CreatedAt;
      last_used_at: Date | null;
    };
    identity_providers_attempt: {
      id: string;
      organisation_id: number;
      provider_id: number;
      user_id: number | null;
      state: string;
      nonce: string;
      code_verifier: string;
      next: string;
      expires_at: Date;
    };
  }
}

export const MAX_URL_LENGTH = 500;

/** The administrators' form of a provider; the names are read per city language beside it. */
export const ProviderFields = {
  issuer: TrimmedText({ maxLength: MAX_URL_LENGTH }),
  clientId: TrimmedText({ maxLength: 300 }),
  clientSecret: Type.Optional(Type.String({ maxLength: 500 })),
  scopes: TrimmedText({ maxLength: 300 }),
  audience: Type.String({ maxLength: 20 }),
  grantsLevel: Type.String({ maxLength: 20 }),
  linkByEmail: Checkbox(),
  enabled: Checkbox(),
};
