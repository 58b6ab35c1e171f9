import type { HttpRequest } from '../common/http-types';

export const API_KEY_HEADER = 'X-API-Key';

/** `Basic base64(<key>:)` as Segment's libraries send it: the key is the user name, the password empty. */
export function keyOfBasicAuth(authorization: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (match === null) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  // Keys may hold colons (API_KEYS splits role:key at the first one only); the password follows the last.
  const colon = decoded.lastIndexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  return key.length > 0 ? key : null;
}

function writeKeyOfBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { writeKey } = body as { writeKey?: unknown };
  return typeof writeKey === 'string' && writeKey.length > 0 ? writeKey : null;
}

/** The key a request presents: X-API-Key always; on the Segment paths also Basic auth or `writeKey`. */
export function presentedKey(request: HttpRequest, acceptsSegmentCredentials: boolean): string | null {
  const header = request.headers[API_KEY_HEADER.toLowerCase()];
  if (typeof header === 'string' && header.length > 0) return header;
  if (!acceptsSegmentCredentials) return null;
  const authorization = request.headers.authorization;
  return keyOfBasicAuth(typeof authorization === 'string' ? authorization : undefined) ?? writeKeyOfBody(request.body);
}
