// The guide's tours, their ordered stops (with the places' positions) and the events at places and tours.

import type { Executor } from '../../platform/db/database.ts';

const TOUR_COLUMNS = ['id', 'title', 'summary', 'duration_minutes', 'difficulty', 'step_free'] as const;

export async function findTours(db: Executor, organisationId: number) {
  return db
    .selectFrom('guide_tour')
    .select(TOUR_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .limit(500)
    .execute();
}

export type TourRow = Awaited<ReturnType<typeof findTour>> & {};

export async function findTour(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('guide_tour')
    .select(TOUR_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The stops of tours in order, each with its place's name, code and position. */
export async function findStops(db: Executor, organisationId: number, tourIds: readonly number[]) {
  if (tourIds.length === 0) return [];
  return db
    .selectFrom('guide_tour_stop as s')
    .innerJoin('guide_place as p', 'p.id', 's.place_id')
    .select(['s.tour_id', 's.position', 's.note', 'p.id as place_id', 'p.code', 'p.name', 'p.lat', 'p.lng'])
    .where('s.organisation_id', '=', organisationId)
    .where('p.organisation_id', '=', organisationId)
    .where('s.tour_id', 'in', tourIds)
    .orderBy('s.tour_id')
    .orderBy('s.position')
    .execute();
}

/** The tours a place is a stop of, with its position in each. */
export async function findToursOfPlace(db: Executor, organisationId: number, placeId: number) {
  return db
    .selectFrom('guide_tour_stop as s')
    .innerJoin('guide_tour as t', 't.id', 's.tour_id')
    .select(['t.id', 't.title', 's.position'])
    .where('s.organisation_id', '=', organisationId)
    .where('t.organisation_id', '=', organisationId)
    .where('s.place_id', '=', placeId)
    .orderBy('t.id')
    .execute();
}

/** Events from `from` on, soonest first, optionally of one place or one tour. */
export async function findEvents(
  db: Executor,
  organisationId: number,
  from: Date,
  of: { placeId?: number; tourId?: number } = {},
) {
  let query = db
    .selectFrom('guide_event')
    .select(['id', 'place_id', 'tour_id', 'title', 'starts_at', 'ends_at', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('ends_at', '>=', from);
  if (of.placeId !== undefined) query = query.where('place_id', '=', of.placeId);
  if (of.tourId !== undefined) query = query.where('tour_id', '=', of.tourId);
  return query.orderBy('starts_at').orderBy('id').limit(500).execute();
}
