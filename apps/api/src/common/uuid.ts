const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that cannot be a uuid cannot name a stored row: callers answer 404 instead of letting PostgreSQL raise. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
