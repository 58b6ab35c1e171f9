import { DeliveryOutcome } from '@beckon/delivery';

/** One request to a push service, as the sender saw it. */
export interface PushAttempt {
  /** HTTP status; undefined when no answer came (network, TLS, timeout). */
  status?: number;
  retryAfter?: string;
  /** Node error code of a failure without answer. */
  errorCode?: string;
  /** Error text for ops; null when accepted. */
  error: string | null;
}

export type PushVerdict =
  | { kind: 'accepted' }
  /** 404/410: the subscription is gone for good; drop it, never retry. */
  | { kind: 'gone' }
  | { kind: 'transient'; retryAfterMs?: number }
  | { kind: 'permanent' };

/** Retry-After as delta-seconds or an HTTP-date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = /^[A-Za-z]{3}, /.test(trimmed) ? Date.parse(trimmed) : Number.NaN; // IMF-fixdate
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function classifyPushAttempt(attempt: PushAttempt, now = Date.now()): PushVerdict {
  const { status } = attempt;
  if (status === undefined) {
    // A key that is not a P-256 point fails in encryption, before any request: retrying cannot help.
    return attempt.errorCode?.startsWith('ERR_CRYPTO') ? { kind: 'permanent' } : { kind: 'transient' };
  }
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  if (status === 404 || status === 410) return { kind: 'gone' };
  if (status === 429 || status === 408 || status >= 500) {
    return { kind: 'transient', retryAfterMs: parseRetryAfterMs(attempt.retryAfter, now) };
  }
  return { kind: 'permanent' };
}

/** The final answer of one subscription after retries. */
export interface SubscriptionResult {
  endpoint: string;
  attempt: PushAttempt;
  verdict: PushVerdict;
  tries: number;
}

function statusLabel(attempt: PushAttempt): string {
  if (attempt.status !== undefined) return String(attempt.status);
  return attempt.errorCode?.startsWith('ERR_CRYPTO') ? 'invalid_subscription' : 'network';
}

/**
 * A dispatch is sent when at least one subscription accepted it; otherwise it failed with the first
 * subscription's answer as reason (`push:410`, `push:network`). Gone endpoints are reported either way.
 */
export function summarizePush(dispatchId: string, results: readonly SubscriptionResult[]): DeliveryOutcome {
  const goneAddresses = results.filter((r) => r.verdict.kind === 'gone').map((r) => r.endpoint);
  const attempts = results.reduce((sum, r) => sum + r.tries, 0);
  const providerResponse = results.map((r) => statusLabel(r.attempt)).join(',') || null;
  const base = { dispatchId, attempts, retries: attempts - results.length, providerResponse, goneAddresses };
  const accepted = results.some((r) => r.verdict.kind === 'accepted');
  if (accepted) return { ...base, status: 'sent', reason: null, error: null };
  const first = results[0];
  if (!first) return { ...base, status: 'failed', reason: 'push:no_subscription', error: null };
  return { ...base, status: 'failed', reason: `push:${statusLabel(first.attempt)}`, error: first.attempt.error };
}
