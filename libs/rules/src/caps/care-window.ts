import { addIsoDuration } from '../iso-duration';
import { isCapExempt } from './cap-hold';
import { CareSettings, CareSignal } from './caps.schema';

/** The storefront event a care signal may come from, as ingestion validated it (libs/events). */
export interface CareEventInput {
  type: string;
  event?: string;
  properties?: Record<string, unknown>;
}

/** What one event says about the customer's mood, with what the person following up needs to know. */
export interface CareSignalOf {
  signal: CareSignal;
  orderId: string | null;
  score: number | null;
  rating: number | null;
}

/** NPS: 0–6 is a detractor (DOMAIN.md "Moments of care"). */
export const DETRACTOR_MAX_SCORE = 6;
/** A review of 1 or 2 stars out of 5 is a bad one. */
export const LOW_REVIEW_MAX_RATING = 2;

const SIGNAL_OF_EVENT: Readonly<Record<string, CareSignal>> = {
  'Order Refunded': 'refund',
  'Order Cancelled': 'cancellation',
  'Complaint Filed': 'complaint',
};

const numberOf = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The care signal an event carries, or null: a refund, a cancellation, a complaint, a survey answer
 * of a detractor, or a review of at most two stars. Whether the signal puts the customer in care is
 * the settings' decision (careReason), not this one's: every signal is recorded for a person to see.
 */
export function careSignalOf(event: CareEventInput): CareSignalOf | null {
  if (event.type !== 'track' || event.event === undefined) return null;
  const properties = event.properties ?? {};
  const orderId = textOf(properties.order_id);
  const plain = SIGNAL_OF_EVENT[event.event];
  if (plain !== undefined) return { signal: plain, orderId, score: null, rating: null };
  if (event.event === 'Survey Answered') {
    const score = numberOf(properties.score);
    return score !== null && score <= DETRACTOR_MAX_SCORE
      ? { signal: 'detractor', orderId, score, rating: null }
      : null;
  }
  if (event.event === 'Product Reviewed') {
    const rating = numberOf(properties.rating);
    return rating !== null && rating <= LOW_REVIEW_MAX_RATING
      ? { signal: 'low_review', orderId, score: null, rating }
      : null;
  }
  return null;
}

/** A customer's care as stored: until when, and the signal that set it. */
export interface CustomerCare {
  until: Date;
  signal: CareSignal;
}

/** A signal raised for a customer at an instant. */
export interface RaisedSignal {
  customerId: string;
  signal: CareSignal;
  at: Date;
}

/**
 * The care each customer's signals call for: per customer the enabled signal whose window ends
 * last. Signals the settings leave out put nobody in care; with `signals: []` the result is empty.
 */
export function careFromSignals(signals: readonly RaisedSignal[], settings: CareSettings): Map<string, CustomerCare> {
  const enabled = new Set(settings.signals);
  const care = new Map<string, CustomerCare>();
  for (const { customerId, signal, at } of signals) {
    if (!enabled.has(signal)) continue;
    const until = addIsoDuration(at, settings.window);
    const known = care.get(customerId);
    if (known === undefined || until > known.until) care.set(customerId, { until, signal });
  }
  return care;
}

/**
 * Whether a customer is in care at `at`, as the dispatch reason (`care:refund`), or null. A care
 * whose signal the settings no longer name holds nothing back: turning a signal off takes effect at once.
 */
export function careReason(care: CustomerCare | null | undefined, settings: CareSettings, at: Date): string | null {
  if (care === null || care === undefined) return null;
  if (care.until.getTime() <= at.getTime()) return null;
  return settings.signals.includes(care.signal) ? `care:${care.signal}` : null;
}

/** What the care window needs to know of a trigger: whether it holds this trigger's steps back. */
export interface CareExemption {
  readonly careExempt?: true;
}

/**
 * Exempt (transactional) rules and triggers that are themselves care (post_purchase) still go while
 * the customer is in care; every other step is marketing and waits the window out.
 */
export function isCareExempt(rule: { caps?: { exempt?: boolean } }, trigger: CareExemption | undefined): boolean {
  return isCapExempt(rule) || trigger?.careExempt === true;
}
