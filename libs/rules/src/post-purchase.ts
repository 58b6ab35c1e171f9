import { npsGroup } from './nps';
import { DAY_MS } from './caps/local-time';
import { occasionKey, rawPart } from './occasion-key';
import { RuleParams, SurveyAudience } from './rule.schema';

export type PostPurchaseParams = RuleParams<'post_purchase'>;

/** One post-purchase sequence per order: the survey and what follows it are about that order. */
export const ORDER_OCCASION = occasionKey('order', { orderId: rawPart });
export const ORDER_OCCASION_PREFIX = ORDER_OCCASION.prefix;
export const orderOccasion = (orderId: string): string => ORDER_OCCASION.of({ orderId });

/** The eleven answers a survey offers, lowest first. */
export const SURVEY_SCORES: readonly number[] = Array.from({ length: 11 }, (_, score) => score);

/** Whether a step carrying `when` is for a customer whose latest answer is `score` (null: none yet). */
export function matchesAudience(when: SurveyAudience | undefined, score: number | null): boolean {
  if (when === undefined) return true;
  if (score === null) return when === 'unanswered';
  return npsGroup(score) === when;
}

/** What is known about the order when the trigger moment is worked out or a step comes due. */
export interface OrderFacts {
  placedAt: Date;
  deliveredAt: Date | null;
  refundedAt: Date | null;
  cancelledAt: Date | null;
}

/**
 * The trigger moment: the order itself, or its delivery; with from: delivered and no delivery
 * reported, fallbackDays after the order (most shops report some deliveries, not all).
 */
export function postPurchaseMoment(
  order: Pick<OrderFacts, 'placedAt' | 'deliveredAt'>,
  params: PostPurchaseParams,
): Date {
  if (params.from === 'ordered') return order.placedAt;
  return order.deliveredAt ?? new Date(order.placedAt.getTime() + params.fallbackDays * DAY_MS);
}

/**
 * A moment this far in the past is not worth a survey: orders imported from a shop's history, or a
 * delivery reported weeks late, would otherwise ask about purchases the customer has forgotten.
 */
export const POST_PURCHASE_STALE_MS = 7 * DAY_MS;

export function isStaleMoment(moment: Date, now: Date): boolean {
  return now.getTime() - moment.getTime() > POST_PURCHASE_STALE_MS;
}

export type PostPurchaseVerdict =
  | { send: true }
  | { send: false; reason: 'order_missing' | 'order_refunded' | 'order_cancelled' | `when:${SurveyAudience}` };

/**
 * Whether a due step of a post-purchase sequence goes: a refunded or cancelled order ends it, and a
 * step with `when` only goes to customers whose latest answer about the order matches.
 */
export function postPurchaseVerdict(
  order: OrderFacts | null,
  when: SurveyAudience | undefined,
  latestScore: number | null,
): PostPurchaseVerdict {
  if (order === null) return { send: false, reason: 'order_missing' };
  if (order.refundedAt !== null) return { send: false, reason: 'order_refunded' };
  if (order.cancelledAt !== null) return { send: false, reason: 'order_cancelled' };
  if (!matchesAudience(when, latestScore)) return { send: false, reason: `when:${when!}` };
  return { send: true };
}

/** The verdicts after which the sequence goes on with its next step: the step was not for this customer. */
export function skipsToNextStep(verdict: PostPurchaseVerdict): boolean {
  return !verdict.send && verdict.reason.startsWith('when:');
}
