import assert from 'node:assert/strict';

/**
 * A strict RFC 4180 reader: records end with CRLF (the last one too), a field is either plain (no quote,
 * comma, CR or LF) or quoted with quotes doubled; anything else throws, naming the offset.
 */
export function parseStrictCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quoted field at ${i}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++] ?? '';
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in a field at ${i}`);
        field += text[i++] ?? '';
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`a record must end with CRLF at ${i}`);
    i += 2;
    records.push(record);
    record = [];
  }
  if (record.length > 0) throw new Error('the last record does not end with CRLF');
  const width = records[0]?.length ?? 0;
  records.forEach((r, n) => assert.equal(r.length, width, `record ${n} has ${r.length} fields, the header ${width}`));
  return records;
}

type Position = number[];

function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let k = 0; k < ring.length - 1; k++) {
    const [x1 = 0, y1 = 0] = ring[k] ?? [];
    const [x2 = 0, y2 = 0] = ring[k + 1] ?? [];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

function checkPosition(position: unknown, where: string): void {
  assert.ok(Array.isArray(position) && position.length >= 2 && position.length <= 3, `${where}: a position`);
  const [lng, lat] = position as number[];
  assert.ok(typeof lng === 'number' && lng >= -180 && lng <= 180, `${where}: longitude first, in range`);
  assert.ok(typeof lat === 'number' && lat >= -90 && lat <= 90, `${where}: latitude second, in range`);
}

function checkPolygon(rings: unknown, where: string): void {
  assert.ok(Array.isArray(rings) && rings.length > 0, `${where}: rings`);
  (rings as Position[][]).forEach((ring, index) => {
    assert.ok(ring.length >= 4, `${where}: a linear ring has four positions or more`);
    ring.forEach((position) => checkPosition(position, where));
    assert.deepEqual(ring[0], ring[ring.length - 1], `${where}: a ring is closed`);
    // RFC 7946 3.1.6: exterior rings counter-clockwise, holes clockwise
    const area = signedArea(ring);
    assert.ok(index === 0 ? area > 0 : area < 0, `${where}: ring ${index} follows the right-hand rule`);
  });
}

/** The rules of RFC 7946 a reader relies on; answers the features. */
export function checkGeoJson(document: unknown): Array<{
  id: unknown;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}> {
  const collection = document as { type: string; features: unknown[]; crs?: unknown };
  assert.equal(collection.type, 'FeatureCollection');
  assert.equal(collection.crs, undefined, 'RFC 7946 has no crs member: WGS84 only');
  assert.ok(Array.isArray(collection.features));
  for (const [n, raw] of collection.features.entries()) {
    const feature = raw as {
      type: string;
      geometry: { type: string; coordinates: unknown } | null;
      properties: unknown;
    };
    const where = `feature ${n}`;
    assert.equal(feature.type, 'Feature', where);
    assert.ok(feature.properties === null || typeof feature.properties === 'object', `${where}: properties`);
    const geometry = feature.geometry;
    if (geometry === null) continue;
    if (geometry.type === 'Point') checkPosition(geometry.coordinates, where);
    else if (geometry.type === 'Polygon') checkPolygon(geometry.coordinates, where);
    else if (geometry.type === 'MultiPolygon')
      (geometry.coordinates as unknown[]).forEach((p) => checkPolygon(p, where));
    else assert.fail(`${where}: unexpected geometry ${geometry.type}`);
  }
  return collection.features as ReturnType<typeof checkGeoJson>;
}
