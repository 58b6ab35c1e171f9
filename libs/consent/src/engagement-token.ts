import { createSignedToken, publicUrl, readSignedToken } from './signed-token';

/** A tracked link: the dispatch it was sent in and the address it stands for. */
export interface ClickClaim {
  dispatchId: string;
  url: string;
}

/**
 * Signed with the message links' secret under purposes of their own, so a click token never passes
 * for an open, a survey answer or an unsubscribe. The target address is inside the signature: the
 * redirect goes only where the message itself linked, never where a crafted link asks (no open
 * redirect), and it needs no database read.
 */
const CLICK = 'click';
const OPEN = 'open';

/** Only web addresses are redirected to: a `javascript:` or `data:` target never gets a token. */
export function isTrackableUrl(url: string): boolean {
  return /^https?:\/\/[^/?#\s]/i.test(url);
}

export function createClickToken(claim: ClickClaim, secret: string): string {
  return createSignedToken({ d: claim.dispatchId, u: claim.url }, secret, CLICK);
}

export function verifyClickToken(token: string, secret: string): ClickClaim | null {
  const fields = readSignedToken(token, secret, CLICK);
  if (fields === null) return null;
  const { d, u } = fields;
  if (typeof d !== 'string' || typeof u !== 'string' || !isTrackableUrl(u)) return null;
  return { dispatchId: d, url: u };
}

export function createOpenToken(dispatchId: string, secret: string): string {
  return createSignedToken({ d: dispatchId }, secret, OPEN);
}

/** The dispatch the pixel was sent in, or null for a forged or foreign token. */
export function verifyOpenToken(token: string, secret: string): string | null {
  const fields = readSignedToken(token, secret, OPEN);
  return fields !== null && typeof fields.d === 'string' ? fields.d : null;
}

export function clickUrl(publicBaseUrl: string, token: string): string {
  return publicUrl(publicBaseUrl, `c/${token}`);
}

export function openPixelUrl(publicBaseUrl: string, token: string): string {
  return publicUrl(publicBaseUrl, `o/${token}`);
}
