/** The Segment-compatible intake (CONTRACT.md §5): what Segment's libraries post to. */
export const SEGMENT_CALLS = ['batch', 'track', 'identify', 'page', 'alias'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];

export const SEGMENT_PATHS: readonly string[] = SEGMENT_CALLS.map((call) => `/v1/${call}`);

/** What a shop's web page may call from the browser when its origin is in CORS_ORIGINS. */
export const BROWSER_PATHS: ReadonlyMap<string, string> = new Map([
  ['/v1/events', 'POST'],
  ...SEGMENT_PATHS.map((path) => [path, 'POST'] as const),
  ['/v1/webpush/public-key', 'GET'],
]);

/** The path as Express routes it: case-insensitive, a trailing slash ignored, no query. */
export function routedPath(url: string): string {
  const path = (url.split('?', 1)[0] ?? '').toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export const isSegmentPath = (url: string): boolean => SEGMENT_PATHS.includes(routedPath(url));
