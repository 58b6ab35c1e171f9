import { createSignedToken, publicUrl, readSignedToken } from './signed-token';

export type UnsubscribeScope = 'email' | 'webpush' | 'all';

export interface UnsubscribeClaim {
  customerId: string;
  channel: UnsubscribeScope;
}

const SCOPES: ReadonlySet<string> = new Set(['email', 'webpush', 'all']);

/**
 * A token that names the customer and channel, signed with HMAC-SHA256: links never expire (an old
 * mail must still unsubscribe) and need no database row.
 */
export function createUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  return createSignedToken({ c: claim.customerId, ch: claim.channel }, secret, null);
}

export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | null {
  const parsed = readSignedToken(token, secret, null);
  if (parsed === null || typeof parsed.c !== 'string' || typeof parsed.ch !== 'string' || !SCOPES.has(parsed.ch)) {
    return null;
  }
  return { customerId: parsed.c, channel: parsed.ch as UnsubscribeScope };
}

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return publicUrl(publicBaseUrl, `u/${token}`);
}
