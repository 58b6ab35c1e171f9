/**
 * What PostgreSQL can store, checked before an event reaches it: a batch that the database refuses
 * fails for every event in it, so everything the parser accepts must be storable.
 */

/** Deeper than any storefront payload needs; far below where jsonb and JSON.stringify run out of stack. */
export const MAX_JSON_DEPTH = 64;

export type StorableJson = { ok: true; value: unknown; repaired: boolean } | { ok: false; reason: string };

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

// Node 20 has both (ES2024); the project's TypeScript lib is ES2023.
const isWellFormed = (text: string): boolean => (text as unknown as WellFormedString).isWellFormed();
const toWellFormed = (text: string): string => (text as unknown as WellFormedString).toWellFormed();

type Verdict = 'ok' | 'repair' | { reason: string };

function pathOf(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.').slice(0, 200);
}

/** One pass over the parsed value: the first reason it cannot be stored, or whether it needs repair. */
function inspect(value: unknown, depth: number, path: string[]): Verdict {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { reason: `${pathOf(path)}: contains \\u0000, which cannot be stored` };
    return isWellFormed(value) ? 'ok' : 'repair';
  }
  if (typeof value === 'number') {
    // JSON.parse turns 1e400 into Infinity; jsonb would keep the text but every reader of it breaks.
    return Number.isFinite(value) ? 'ok' : { reason: `${pathOf(path)}: number out of range` };
  }
  if (value === null || typeof value !== 'object') return 'ok';
  if (depth >= MAX_JSON_DEPTH) return { reason: `${pathOf(path)}: nested deeper than ${MAX_JSON_DEPTH} levels` };
  let verdict: Verdict = 'ok';
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (key.includes('\u0000')) return { reason: `${pathOf(path)}: a key contains \\u0000, which cannot be stored` };
    if (!isWellFormed(key)) verdict = 'repair';
    path.push(key);
    const inner = inspect(item, depth + 1, path);
    path.pop();
    if (typeof inner === 'object') return inner;
    if (inner === 'repair') verdict = 'repair';
  }
  return verdict;
}

function repair(value: unknown): unknown {
  if (typeof value === 'string') return toWellFormed(value);
  if (Array.isArray(value)) return value.map(repair);
  if (value === null || typeof value !== 'object') return value;
  const repaired: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) repaired[toWellFormed(key)] = repair(item);
  return repaired;
}

/**
 * Checks a parsed JSON value for what PostgreSQL refuses. NUL characters are refused (no storefront
 * text holds one on purpose, and jsonb cannot); a lone UTF-16 surrogate (half an emoji cut by a
 * careless truncation) is repaired to U+FFFD, so the customer's other data is kept.
 */
export function storableJson(value: unknown): StorableJson {
  const verdict = inspect(value, 0, []);
  if (typeof verdict === 'object') return { ok: false, reason: verdict.reason };
  return verdict === 'repair'
    ? { ok: true, value: repair(value), repaired: true }
    : { ok: true, value, repaired: false };
}

/** The earliest and latest instants PostgreSQL's timestamptz and date take and print back as ISO 8601. */
const EARLIEST = new Date('0001-01-01T00:00:00.000Z').getTime();
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

/** Whether an instant is inside the years 1–9999 (UTC) that every store and ISO 8601 printer agree on. */
export function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return Number.isFinite(time) && time >= EARLIEST && time <= LATEST;
}
