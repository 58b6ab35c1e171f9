import { fromOccasionPart, occasionPart } from './occasion-part';

export const RESTOCK_OCCASION_PREFIX = 'restock:';

export const restockProductPrefix = (productId: string): string =>
  `${RESTOCK_OCCASION_PREFIX}${occasionPart(productId)}:`;

/** One notification per stock request: the request id is the episode. */
export const restockOccasion = (productId: string, requestId: string): string =>
  `${restockProductPrefix(productId)}${requestId}`;

export function parseRestockOccasion(occasion: string): { productId: string; requestId: string } | null {
  const parts = occasion.split(':');
  if (parts.length !== 3 || `${parts[0]}:` !== RESTOCK_OCCASION_PREFIX) return null;
  return { productId: fromOccasionPart(parts[1]), requestId: parts[2] };
}

export interface StockFold {
  stock: number;
  /** The stock went from none to some and still is some at the end of the batch. */
  restocked: boolean;
}

/**
 * Folds a product's stock updates (in event order) over its known level. A product whose level we
 * never saw counts as out of stock: somebody asked to be told when it returns, so for them it was
 * missing, and the first positive level we hear of is the restock they wait for. A restock that sold
 * out again within the same batch is none.
 */
export function foldStock(previous: number | null, quantities: readonly number[]): StockFold {
  let stock = previous ?? 0;
  let wasOut = stock <= 0;
  for (const quantity of quantities) {
    if (quantity <= 0) wasOut = true;
    stock = quantity;
  }
  return { stock, restocked: wasOut && stock > 0 };
}
