// The city guide's use cases: reading places, tours and events, "near me", short codes, photos, broken plates.

import type { Viewer } from '../../platform/auth/users.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { preparePhoto, submitReport } from '../reports/index.ts';
import { isCoordinate, pathLength } from './geometry.ts';
import { authorizeGuide } from './guide.policy.ts';
import {
  findNearestPlaces,
  findPhotoData,
  findPhotos,
  findPlace,
  findPlaceIdByCode,
  insertPhoto,
  pagePlaces,
  type NearPlace,
} from './places.repository.ts';
import { findEvents, findStops, findTour, findTours, findToursOfPlace } from './tours.repository.ts';

/** Places shown on one list page and written per GeoJSON page. */
export const PLACES_PAGE = 500;
/** At most this many places answer "near me". */
export const NEAR_LIMIT = 5;

export async function viewPlace(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizeGuide(viewer, 'read');
  const place = await findPlace(ctx.db, organisation.id, id);
  if (!place) throw new AppError('GUIDE_PLACE_NOT_FOUND');
  const [photos, tours, events] = await Promise.all([
    findPhotos(ctx.db, organisation.id, [id]),
    findToursOfPlace(ctx.db, organisation.id, id),
    findEvents(ctx.db, organisation.id, new Date(), { placeId: id }),
  ]);
  return { place, photos, tours, events };
}

/** One keyset page of places (id order) with their photos. */
export async function listPlaces(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  afterId = 0,
  limit = PLACES_PAGE,
) {
  authorizeGuide(viewer, 'read');
  const places = await pagePlaces(ctx.db, organisation.id, afterId, limit);
  const photos = await findPhotos(
    ctx.db,
    organisation.id,
    places.map((place) => place.id),
  );
  return { places, photos };
}

/** The places nearest to a position, nearest first (the position is used for this answer only, never stored). */
export async function nearbyPlaces(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  lat: number,
  lng: number,
  limit = NEAR_LIMIT,
): Promise<NearPlace[]> {
  authorizeGuide(viewer, 'read');
  if (!isCoordinate(lat, lng)) throw new AppError('GUIDE_POSITION_INVALID');
  return findNearestPlaces(ctx.db, organisation.id, lat, lng, Math.min(Math.max(1, limit), 20));
}

/** The place a plate's short code names ("ab12" and "AB12" alike). */
export async function placeForCode(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, code: string) {
  authorizeGuide(viewer, 'read');
  const normal = code.trim().toUpperCase();
  const id = /^[A-Z0-9]{4,8}$/.test(normal) ? await findPlaceIdByCode(ctx.db, organisation.id, normal) : null;
  if (id === null) throw new AppError('GUIDE_CODE_NOT_FOUND');
  return id;
}

export async function listTours(ctx: AppContext, viewer: Viewer | null, organisation: Organisation) {
  authorizeGuide(viewer, 'read');
  const tours = await findTours(ctx.db, organisation.id);
  const stops = await findStops(
    ctx.db,
    organisation.id,
    tours.map((tour) => tour.id),
  );
  return tours.map((tour) => {
    const own = stops.filter((stop) => stop.tour_id === tour.id);
    return { tour, stops: own, lengthMetres: pathLength(own) };
  });
}

/** A tour with its stops in order, its computed length (straight lines between stops), photos and events. */
export async function viewTour(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizeGuide(viewer, 'read');
  const tour = await findTour(ctx.db, organisation.id, id);
  if (!tour) throw new AppError('GUIDE_TOUR_NOT_FOUND');
  const stops = await findStops(ctx.db, organisation.id, [id]);
  const [photos, events] = await Promise.all([
    findPhotos(
      ctx.db,
      organisation.id,
      stops.map((stop) => stop.place_id),
    ),
    findEvents(ctx.db, organisation.id, new Date(), { tourId: id }),
  ]);
  return { tour, stops, photos, events, lengthMetres: pathLength(stops) };
}

export async function upcomingEvents(ctx: AppContext, viewer: Viewer | null, organisation: Organisation) {
  authorizeGuide(viewer, 'read');
  const from = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  const events = await findEvents(ctx.db, organisation.id, from);
  const placeIds = [...new Set(events.flatMap((event) => (event.place_id ? [event.place_id] : [])))];
  const places = await Promise.all(placeIds.map((placeId) => findPlace(ctx.db, organisation.id, placeId)));
  const tours = await findTours(ctx.db, organisation.id);
  return { events, places: places.flatMap((place) => (place ? [place] : [])), tours };
}

export type PhotoOutcome = { ok: true; id: number } | { ok: false; code: string };

/** Adds a photo to a place: checked and stripped of its metadata (location included) by reports' preparePhoto. */
export async function addPlacePhoto(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  placeId: number,
  file: { data: Uint8Array; truncated: boolean },
  alt: Record<string, string>,
): Promise<PhotoOutcome> {
  authorizeGuide(viewer, 'manage');
  const place = await findPlace(ctx.db, organisation.id, placeId);
  if (!place) throw new AppError('GUIDE_PLACE_NOT_FOUND');
  const texts = Object.fromEntries(
    Object.entries(alt)
      .map(([lang, text]) => [lang, text.trim()] as const)
      .filter(([lang, text]) => text.length > 0 && organisation.languages.includes(lang)),
  );
  if (!texts[organisation.defaultLanguage]) return { ok: false, code: 'GUIDE_ALT_REQUIRED' };
  const photo = preparePhoto(file.data, file.truncated);
  if ('error' in photo) return { ok: false, code: photo.error };
  const id = await insertPhoto(ctx.db, organisation.id, placeId, { type: photo.type, data: photo.data, alt: texts });
  return { ok: true, id };
}

export type BrokenOutcome = { ok: true; reportId: number } | { ok: false; code: 'GUIDE_REPORT_UNAVAILABLE' };

/**
 * "This sign / QR plate is broken": a report at the stop's position in the stop's report category, filed
 * through reports' intake, which routes it to the department in charge. `description` is written by the
 * page (the visitor's note with the stop's code and name).
 */
export async function reportBrokenPlate(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  placeId: number,
  description: string,
): Promise<BrokenOutcome> {
  authorizeGuide(viewer, 'report');
  const place = await findPlace(ctx.db, organisation.id, placeId);
  if (!place) throw new AppError('GUIDE_PLACE_NOT_FOUND');
  if (!place.report_category || !viewer) return { ok: false, code: 'GUIDE_REPORT_UNAVAILABLE' };
  const rate = await consumeRateLimit(ctx.db, organisation.id, {
    key: `guide-broken:user:${viewer.id}`,
    ...ctx.config.rateLimits.publicWrite,
  });
  if (!rate.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: rate.retryAfterSeconds });
  const outcome = await submitReport(ctx, organisation, {
    categoryCode: place.report_category,
    lat: place.lat,
    lng: place.lng,
    description,
    authorId: viewer.id,
    source: 'web',
  });
  if ('invalid' in outcome) return { ok: false, code: 'GUIDE_REPORT_UNAVAILABLE' };
  return { ok: true, reportId: outcome.id };
}

/** A place's photo file (public, like the place). */
export async function photoFile(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizeGuide(viewer, 'read');
  const photo = await findPhotoData(ctx.db, organisation.id, id);
  if (!photo) throw new AppError('NOT_FOUND');
  return photo;
}
