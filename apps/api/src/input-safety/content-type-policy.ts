/**
 * Which request bodies a route takes. The API reads JSON only; the RFC 8058 one-click unsubscribe
 * (`/u/{token}`) is posted form-encoded by mail clients, and its body carries nothing we read, so
 * it takes any body. A survey answer (`/s/{token}`) comes from an HTML form: form-encoded, or JSON.
 * Anything else is answered 415 before the body is read.
 */
import { isSegmentPath } from '../common/intake-paths';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
/** analytics.js posts its batches as text/plain (a "simple" request: no CORS preflight); the body is JSON. */
const SEGMENT_TEXT_TYPE = 'text/plain';

/** Whether the JSON parser reads this body: JSON anywhere, and text/plain on the Segment paths. */
export function parsesAsJson(path: string, contentType: string | undefined): boolean {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === undefined) return false;
  return JSON_MEDIA_TYPE.test(mediaType) || (mediaType === SEGMENT_TEXT_TYPE && isSegmentPath(path));
}

const ANY_BODY_PATHS = /^\/u\//i; // Express matches routes case-insensitively
const FORM_PATHS = /^\/s\//i;
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** Whether the route behind this path reads its body at all (the one-click unsubscribe does not). */
export function readsBody(path: string): boolean {
  return !ANY_BODY_PATHS.test(path);
}

export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase();
}

/** A request carries a body when it declares a length above zero or a transfer encoding (chunked). */
export function carriesBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/** The 415 message for a body this path will not take, or null when it may go on. */
export function unsupportedBodyReason(path: string, contentType: string | undefined): string | null {
  if (!readsBody(path)) return null;
  const mediaType = mediaTypeOf(contentType);
  if (parsesAsJson(path, contentType)) return null;
  if (mediaType === FORM_MEDIA_TYPE && FORM_PATHS.test(path)) return null;
  return mediaType === undefined || mediaType === ''
    ? 'a request body needs Content-Type: application/json'
    : `Content-Type ${mediaType} is not supported; send application/json`;
}
