import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

/** The two texts a resident accepts: the privacy notice and the code of conduct. */
export const LEGAL_KINDS = ['privacy', 'conduct'] as const;
export type LegalKind = (typeof LEGAL_KINDS)[number];

declare module '../../platform/db/schema.ts' {
  interface Database {
    legal_text: {
      id: Generated<number>;
      organisation_id: number;
      kind: LegalKind;
      version: number;
      body: ColumnType<Translated, string, string>;
      published_by: number | null;
      published_at: ColumnType<Date, Date | string | undefined, never>;
    };
    legal_acceptance: {
      user_id: number;
      organisation_id: number;
      kind: LegalKind;
      version: number;
      accepted_at: ColumnType<Date, Date | string | undefined, never>;
    };
  }
}
