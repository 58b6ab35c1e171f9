/**
 * PostgreSQL's text and json columns refuse two things JavaScript strings can hold: the NUL
 * character and UTF-16 surrogates that are not part of a pair (they have no UTF-8 encoding). Input
 * holding either can never be stored, so it is refused at the edge with 400 rather than by the
 * database with a 500.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored, or null when it can. */
export function unstorableTextReason(text: string, { repairsSurrogates = false } = {}): string | null {
  if (repairsSurrogates) return text.includes('\u0000') ? 'must not contain NUL (\\u0000)' : null;
  const match = UNSTORABLE.exec(text);
  if (match === null) return null;
  return match[0] === '\u0000' ? 'must not contain NUL (\\u0000)' : 'must not contain a lone UTF-16 surrogate';
}

/** Past this depth a request body is refused as a whole: no route takes JSON nested this deep. */
export const MAX_JSON_DEPTH = 64;

export interface UnstorableValue {
  /** Dotted path of the offending string (or key), `body` first. */
  field: string;
  message: string;
}

/**
 * Walks a parsed JSON value (keys and string values) without recursion, so a body nested 100,000
 * deep cannot overflow the stack, and answers the first string that cannot be stored or a
 * nesting that is too deep. `repairsSurrogates`: the route's own parser repairs lone surrogates
 * (storefront events, as the engine does for Kafka producers), so only NUL is refused here.
 */
export function findUnstorableValue(
  root: unknown,
  rootName: string,
  options: { repairsSurrogates?: boolean } = {},
): UnstorableValue | null {
  const pending: Array<{ value: unknown; field: string; depth: number }> = [{ value: root, field: rootName, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, field, depth } = next;
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value, options);
      if (reason !== null) return { field, message: reason };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { field, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, member] of Object.entries(value)) {
      const reason = unstorableTextReason(key, options);
      if (reason !== null) return { field: `${field}.${JSON.stringify(key)}`, message: `key ${reason}` };
      pending.push({ value: member, field: `${field}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

const PERCENT_OR_TEXT = /%([0-9a-fA-F]{2})|%|[^%]+/g;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a raw request target (path and query as sent) the way a strict server must: percent
 * escapes must form valid UTF-8 (no overlong %C0%80, no encoded surrogate %ED%A0%80, no stray
 * %FF), and the result must be storable. Answers why not, or null when it is fine.
 */
export function unstorableUrlReason(rawTarget: string): string | null {
  const bytes: number[] = [];
  for (const match of rawTarget.matchAll(PERCENT_OR_TEXT)) {
    if (match[1] !== undefined) bytes.push(Number.parseInt(match[1], 16));
    else if (match[0] === '%') return 'holds a % that is not followed by two hex digits';
    else bytes.push(...Buffer.from(match[0], 'utf8'));
  }
  let decoded: string;
  try {
    decoded = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return 'holds percent escapes that are not valid UTF-8';
  }
  return unstorableTextReason(decoded);
}
