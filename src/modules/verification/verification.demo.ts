import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistricts } from '../places/index.ts';
import { identityHash, normaliseBirthDate, normaliseDocumentNumber } from './identity.ts';
import { insertVerification, upsertCensusEntries, findCensusEntry } from './verification.repository.ts';

/**
 * The demo census (fictional documents; README and docs list the same table). The first three demo
 * residents are verified with their entry; the fourth (Sam, 17) is on the census but not verified yet,
 * so that a visitor can try verification with his values; the last two have no account.
 */
export const DEMO_CENSUS: ReadonlyArray<{
  resident: number | null;
  documentNumber: string;
  birthDate: string;
  districtCode: string;
  verified: boolean;
}> = [
  { resident: 0, documentNumber: 'VL1000001', birthDate: '1994-03-12', districtCode: 'old-town', verified: true },
  { resident: 1, documentNumber: 'VL1000002', birthDate: '1969-07-30', districtCode: 'harbour', verified: true },
  { resident: 2, documentNumber: 'VL1000003', birthDate: '2001-11-05', districtCode: 'riverside', verified: true },
  { resident: 3, documentNumber: 'VL1000004', birthDate: '2009-05-21', districtCode: 'station', verified: false },
  { resident: null, documentNumber: 'VL1000005', birthDate: '1980-01-15', districtCode: 'university', verified: false },
  {
    resident: null,
    documentNumber: 'VL1000006',
    birthDate: '1955-09-09',
    districtCode: 'north-hills',
    verified: false,
  },
];

export async function seedVerification(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const districts = new Map((await findDistricts(ctx.db, organisation.id)).map((d) => [d.code, d.id]));
  const entries = DEMO_CENSUS.map((row) => ({
    row,
    hash: identityHash(
      ctx.config.secretKey,
      organisation.id,
      normaliseDocumentNumber(row.documentNumber),
      normaliseBirthDate(row.birthDate) as string,
    ),
    districtId: districts.get(row.districtCode) ?? null,
  }));
  await upsertCensusEntries(ctx.db, organisation.id, people.admin, entries);
  for (const { row, hash, districtId } of entries) {
    const userId = row.resident === null ? undefined : people.residents[row.resident];
    if (!row.verified || userId === undefined) continue;
    const census = await findCensusEntry(ctx.db, organisation.id, hash);
    await insertVerification(ctx.db, {
      organisationId: organisation.id,
      userId,
      method: 'census',
      hash,
      censusId: census?.id ?? null,
      birthYear: Number(row.birthDate.slice(0, 4)),
      districtId,
      verifiedBy: null,
    });
  }
}
