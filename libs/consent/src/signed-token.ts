import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `<base64url JSON>.<base64url HMAC-SHA256>`: links in messages that name what they act on and need
 * no database row. A `purpose` is signed along with the body, so a token made for one kind of link
 * (a survey answer) never passes as another (an unsubscribe) under the same secret; unsubscribe
 * links have none, which keeps the links already sent valid.
 */
function sign(body: string, secret: string, purpose: string | null): string {
  return createHmac('sha256', secret)
    .update(purpose === null ? body : `${purpose}.${body}`)
    .digest('base64url');
}

export function createSignedToken(fields: Record<string, unknown>, secret: string, purpose: string | null): string {
  const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${body}.${sign(body, secret, purpose)}`;
}

/** The signed fields, or null when the token was forged, mangled or made for another purpose. */
export function readSignedToken(token: string, secret: string, purpose: string | null): Record<string, unknown> | null {
  const [body, signature, ...rest] = token.split('.');
  if (body === undefined || signature === undefined || rest.length > 0) return null;
  const expected = Buffer.from(sign(body, secret, purpose));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** A public page under PUBLIC_BASE_URL, whatever trailing slashes the base has. */
export function publicUrl(publicBaseUrl: string, path: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/${path}`;
}
