import { idPart, occasionKey, rawPart } from './occasion-key';

/** One notification per stock request: the request id is the episode. */
export const RESTOCK_OCCASION = occasionKey('restock', { productId: idPart, requestId: rawPart });
export const RESTOCK_OCCASION_PREFIX = RESTOCK_OCCASION.prefix;

export const restockProductPrefix = (productId: string): string => RESTOCK_OCCASION.prefixOf({ productId });

export const restockOccasion = (productId: string, requestId: string): string =>
  RESTOCK_OCCASION.of({ productId, requestId });

export function parseRestockOccasion(occasion: string): { productId: string; requestId: string } | null {
  return RESTOCK_OCCASION.parse(occasion);
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
