/** Product details as events carry them; anything missing keeps what the catalog knew. */
export interface ProductDetails {
  id: string;
  sku?: string;
  name?: string;
  price?: number;
  url?: string;
  imageUrl?: string;
}

export interface StockRequestRecord {
  customerId: string;
  productId: string;
  requestedAt: Date;
}

/** Products are known by product_id; a shop that only sends SKUs gets `sku:<sku>`, as cart lines do. */
export function productKey(line: { product_id?: string; sku?: string }): string | null {
  if (line.product_id !== undefined) return line.product_id;
  if (line.sku !== undefined) return `sku:${line.sku}`;
  return null;
}
