import { RuleParams } from './rule.schema';
import { idPart, occasionKey } from './occasion-key';
import { DAY_MS } from './caps/local-time';

export type ReorderParams = RuleParams<'consumable_reorder'>;

/** One reminder per purchase of a product: buying it again is a new occasion. */
export const REORDER_OCCASION = occasionKey('reorder', { productId: idPart, orderId: idPart });
export const REORDER_OCCASION_PREFIX = REORDER_OCCASION.prefix;

export const reorderProductPrefix = (productId: string): string => REORDER_OCCASION.prefixOf({ productId });

export const reorderOccasion = (productId: string, orderId: string): string =>
  REORDER_OCCASION.of({ productId, orderId });

export function parseReorderOccasion(occasion: string): { productId: string; orderId: string } | null {
  return REORDER_OCCASION.parse(occasion);
}

/** The product's own replenishment_days when the shop sent it, else the rule's default. */
export function supplyDays(productSupplyDays: number | null, params: ReorderParams): number {
  return productSupplyDays ?? params.defaultDays;
}

/** When the product bought runs out. A reminder only helps before that, so later ones are never scheduled. */
export function reorderRunsOutAt(orderedAt: Date, productSupplyDays: number | null, params: ReorderParams): Date {
  return new Date(orderedAt.getTime() + supplyDays(productSupplyDays, params) * DAY_MS);
}

/** The reminder goes out leadDays before the supply runs out (plus the first step's delay). */
export function reorderStepDueAt(
  orderedAt: Date,
  productSupplyDays: number | null,
  params: ReorderParams,
  firstDelayMs: number,
): Date {
  const days = supplyDays(productSupplyDays, params) - params.leadDays;
  return new Date(orderedAt.getTime() + days * DAY_MS + firstDelayMs);
}

export type ReorderVerdict = { remind: true } | { remind: false; reason: 'reordered' | 'clock_missing' };

/** A reminder holds while the purchase it belongs to is still the latest purchase of that product. */
export function reorderVerdict(latestOrderId: string | null, episodeOrderId: string): ReorderVerdict {
  if (latestOrderId === null) return { remind: false, reason: 'clock_missing' };
  if (latestOrderId !== episodeOrderId) return { remind: false, reason: 'reordered' };
  return { remind: true };
}
