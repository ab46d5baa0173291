import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { DistrictWithGeometry } from '../places/index.ts';
import { currentIntakeConfiguration } from './intake-configuration.ts';
import { findOpenReportsNearby, type NearbyReport } from './nearby-reports.repository.ts';
import type { Category, Question } from './report-categories.repository.ts';

/** Open reports of the same category closer than this are offered as "me too" before sending. */
export const DUPLICATE_RADIUS_METERS = 250;

/** What the report form offers: the categories residents may choose, each one's questions, the districts for the map. */
export interface ReportFormChoices {
  categories: Category[];
  /** By category code; a category without questions has an empty list. */
  questions: Map<string, Question[]>;
  districts: DistrictWithGeometry[];
}

/**
 * The report form's choices, from the same intake configuration reports are checked against (read in
 * one query per table, every category's questions at once, and kept in memory while it is current),
 * so the form asks exactly what intake will check.
 */
export async function reportFormChoices(ctx: AppContext, organisation: Organisation): Promise<ReportFormChoices> {
  const configuration = await currentIntakeConfiguration(ctx, organisation.id);
  const active = [...configuration.categories.values()].filter((entry) => entry.category.active);
  return {
    categories: active.map((entry) => entry.category),
    questions: new Map(active.map((entry) => [entry.category.code, entry.questions])),
    districts: configuration.districts,
  };
}

/**
 * Open public reports of the category near the place, nearest first: the possible duplicates a resident
 * is shown before a new report is sent.
 */
export function findPossibleDuplicates(
  ctx: AppContext,
  organisation: Organisation,
  place: { categoryId: number; lat: number; lng: number },
): Promise<NearbyReport[]> {
  return findOpenReportsNearby(
    ctx.db,
    organisation.id,
    place.categoryId,
    place.lat,
    place.lng,
    DUPLICATE_RADIUS_METERS,
  );
}
