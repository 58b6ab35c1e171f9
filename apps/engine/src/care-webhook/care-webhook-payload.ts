import { createHmac } from 'node:crypto';

/** A care_signals row as the webhook reads it. */
export interface CareSignalRow {
  id: string;
  customer_id: string;
  signal: string;
  at: Date;
  order_id: string | null;
  score: number | null;
  rating: number | null;
}

/** The body of one care webhook (CONTRACT.md §8). */
export interface CareWebhookPayload {
  /** Unique per signal: a receiver that sees an id twice drops the repeat. */
  id: string;
  customerId: string;
  signal: string;
  at: string;
  orderId: string | null;
  /** A detractor's survey answer (0–10). */
  score?: number;
  /** A low review's rating (1–5). */
  rating?: number;
}

export const SIGNATURE_HEADER = 'X-Beckon-Signature';

export function careWebhookPayload(row: CareSignalRow): CareWebhookPayload {
  return {
    id: row.id,
    customerId: row.customer_id,
    signal: row.signal,
    at: row.at.toISOString(),
    orderId: row.order_id,
    ...(row.score !== null ? { score: row.score } : {}),
    ...(row.rating !== null ? { rating: row.rating } : {}),
  };
}

/** `sha256=<hex>`: HMAC-SHA256 of exactly the bytes sent, so the receiver checks the body it read. */
export function careWebhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
