import { BROWSER_PATHS, routedPath } from '../common/intake-paths';

interface CorsRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

interface CorsResponse {
  setHeader(name: string, value: string): unknown;
  statusCode: number;
  end(): void;
}

/** What a browser may send along: the JSON (or analytics.js's text/plain) body and either form of the key. */
const ALLOWED_HEADERS = 'Content-Type, Authorization, X-API-Key, X-Correlation-Id';
/** A day: the answer only changes with CORS_ORIGINS, and browsers cap it lower anyway. */
const PREFLIGHT_MAX_AGE_SECONDS = '86400';

/**
 * CORS for the paths a shop's own pages call (the intake and the VAPID key), and only for the
 * origins in CORS_ORIGINS: the answer names the origin, never `*`, and an unlisted origin gets no
 * CORS header at all, so its browser keeps the answer from the page. Auth is untouched: a browser
 * still presents a key, and a bad one is still a 401/403. No credentials (cookies) are allowed.
 */
export function browserCors(allowedOrigins: readonly string[]) {
  const origins = new Set(allowedOrigins);
  return (request: CorsRequest, response: CorsResponse, next: () => void): void => {
    const method = BROWSER_PATHS.get(routedPath(request.url));
    if (method === undefined) return next();
    // The answer depends on the Origin for every request to these paths, so caches must key on it.
    response.setHeader('Vary', 'Origin');
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !origins.has(origin)) return next();
    response.setHeader('Access-Control-Allow-Origin', origin);
    if (request.method !== 'OPTIONS') return next();
    response.setHeader('Access-Control-Allow-Methods', method);
    response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    response.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
    response.statusCode = 204;
    response.end();
  };
}
