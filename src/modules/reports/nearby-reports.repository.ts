// Open reports near a point: the similar reports a resident sees before sending, merge candidates for staff.

import type { Executor } from '../../platform/db/database.ts';
import { idOf } from './column-values.ts';
import type { ReportStatus } from './reports.schema.ts';
import { distanceMeters, tileX, tileY } from './tiles.ts';

export interface NearbyReport {
  id: number;
  description: string;
  status: ReportStatus;
  address: string | null;
  createdAt: Date;
  distanceMeters: number;
}

/**
 * Open public reports of a category within `meters` of a point, nearest first: the possible duplicates
 * a resident sees before sending. A bounding box on the tile index narrows, the exact distance decides.
 */
export async function findOpenReportsNearby(
  db: Executor,
  organisationId: number,
  categoryId: number,
  lat: number,
  lng: number,
  meters: number,
  limit = 10,
): Promise<NearbyReport[]> {
  const dLat = meters / 111_320;
  const dLng = meters / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  const rows = await db
    .selectFrom('reports_report')
    .select(['id', 'description', 'status', 'address', 'created_at', 'lat', 'lng'])
    .where('organisation_id', '=', organisationId)
    .where('hidden_at', 'is', null)
    .where('is_open', '=', true)
    .where('category_id', '=', categoryId)
    .where('tile_y', '>=', tileY(lat + dLat))
    .where('tile_y', '<=', tileY(lat - dLat))
    .where('tile_x', '>=', tileX(lng - dLng))
    .where('tile_x', '<=', tileX(lng + dLng))
    .limit(500)
    .execute();
  return rows
    .map((row) => ({
      id: idOf(row.id),
      description: row.description,
      status: row.status,
      address: row.address,
      createdAt: row.created_at,
      distanceMeters: distanceMeters(lat, lng, row.lat, row.lng),
    }))
    .filter((row) => row.distanceMeters <= meters)
    .sort((a, b) => a.distanceMeters - b.distanceMeters)
    .slice(0, limit);
}
