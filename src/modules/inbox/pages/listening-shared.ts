/** A text value of a query string or form body, trimmed (the listening pages read filters with it). */
export function valueOf(source: unknown, name: string): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
