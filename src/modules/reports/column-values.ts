// Column values as drivers hand them over, turned into their types (shared by the repositories).

/** A JSON column as its type: drivers hand it over parsed, or as text (PGlite for some shapes). */
export function parseJsonColumn<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/**
 * A bigint column's value as a number: node-postgres returns bigint (bigserial ids, counts) as strings
 * although the schema types them as numbers, so the conversion is needed at run time.
 */
export function idOf(value: unknown): number {
  return Number(value);
}
