import { createHmac, timingSafeEqual } from 'node:crypto';

export type UnsubscribeScope = 'email' | 'webpush' | 'all';

export interface UnsubscribeClaim {
  customerId: string;
  channel: UnsubscribeScope;
}

const SCOPES: ReadonlySet<string> = new Set(['email', 'webpush', 'all']);

function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/**
 * A token that names the customer and channel, signed with HMAC-SHA256: links never expire (an old
 * mail must still unsubscribe) and need no database row.
 */
export function createUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  const body = Buffer.from(JSON.stringify({ c: claim.customerId, ch: claim.channel })).toString('base64url');
  return `${body}.${sign(body, secret)}`;
}

export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | null {
  const [body, signature, ...rest] = token.split('.');
  if (body === undefined || signature === undefined || rest.length > 0) return null;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { c?: unknown; ch?: unknown };
    if (typeof parsed.c !== 'string' || typeof parsed.ch !== 'string' || !SCOPES.has(parsed.ch)) return null;
    return { customerId: parsed.c, channel: parsed.ch as UnsubscribeScope };
  } catch {
    return null;
  }
}

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/u/${token}`;
}
