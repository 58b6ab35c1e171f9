import { ANONYMOUS_PREFIX, isAnonymousCustomerId } from '@beckon/events';
import type { SurveyClaim } from '@beckon/consent';

/** A score as a link's query or a form sends it: a whole number from 0 to 10, else null. */
export function parseScore(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 10 ? value : null;
  if (typeof value !== 'string' || !/^(10|[0-9])$/.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * The `Survey Answered` event a link answer becomes, from the customer the link was sent to: it
 * takes the same path as POST /v1/events, so the engine records it as it records any other.
 */
export function surveyAnsweredEvent(
  claim: SurveyClaim,
  score: number,
  at: Date,
  messageId: string,
): Record<string, unknown> {
  const who = isAnonymousCustomerId(claim.customerId)
    ? { anonymousId: claim.customerId.slice(ANONYMOUS_PREFIX.length) }
    : { userId: claim.customerId };
  return {
    type: 'track',
    event: 'Survey Answered',
    messageId,
    timestamp: at.toISOString(),
    ...who,
    properties: { score, order_id: claim.orderId, dispatch_id: claim.dispatchId },
  };
}
