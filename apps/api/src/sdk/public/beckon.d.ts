// Types of beckon.js's pure parts for its unit test (the browser runs the .js as is; this file is not served).

export interface Identity {
  messageId: string;
  anonymousId: string;
  userId?: string | null;
  userAgent?: string;
  locale?: string;
}

export function segmentMessage(
  type: string,
  fields: Record<string, unknown>,
  identity: Identity,
  page: Record<string, unknown>,
  now: Date,
): Record<string, unknown>;
export function madeWithKey(subscription: unknown, publicKey: string): boolean;
export function base64UrlToBytes(text: string): Uint8Array;
export function subscriptionProperties(json: {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}): Record<string, unknown>;
export function uuid(random?: (bytes: Uint8Array) => void): string;
