/** Product details as events carry them; anything missing keeps what the catalog knew. */
export interface ProductDetails {
  id: string;
  sku?: string;
  name?: string;
  price?: number;
  url?: string;
  imageUrl?: string;
}

export interface StoredProduct {
  id: string;
  sku: string | null;
  name: string | null;
  /** numeric, as the driver returns it */
  price: string | null;
  url: string | null;
  image_url: string | null;
}

/** Whether writing these details would change the stored product: an absent detail keeps what is stored. */
export function changesProduct(stored: StoredProduct | undefined, details: ProductDetails): boolean {
  if (stored === undefined) return true;
  const differs = (value: string | undefined, current: string | null) => value !== undefined && value !== current;
  return (
    differs(details.sku, stored.sku) ||
    differs(details.name, stored.name) ||
    (details.price !== undefined && (stored.price === null || Number(stored.price) !== details.price)) ||
    differs(details.url, stored.url) ||
    differs(details.imageUrl, stored.image_url)
  );
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
