import { EntityManager } from 'typeorm';

/** A product as the catalog knows it now (Inventory Updated and the product details events carry). */
export interface CatalogProduct {
  id: string;
  sku: string | null;
  name: string | null;
  price: number | null;
  url: string | null;
  imageUrl: string | null;
  stock: number | null;
}

/** A product line as an order or cart event carried it. */
export interface ProductLine {
  product_id?: string;
  sku?: string;
  name?: string;
  price?: number;
  quantity?: number;
  url?: string;
  image_url?: string;
}

/** The product variables templates see: `name`, `price`, `url`, `image_url`, `sku`, `product_id`. */
export interface ProductData {
  product_id: string | null;
  sku: string | null;
  name: string | null;
  price: number | null;
  url: string | null;
  image_url: string | null;
  quantity?: number;
  stock?: number | null;
}

export async function loadCatalog(db: EntityManager, ids: readonly string[]): Promise<Map<string, CatalogProduct>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows: Array<{
    id: string;
    sku: string | null;
    name: string | null;
    price: string | null;
    url: string | null;
    image_url: string | null;
    stock: number | null;
  }> = await db.query(`SELECT id, sku, name, price, url, image_url, stock FROM products WHERE id = ANY($1::text[])`, [
    unique,
  ]);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        sku: row.sku,
        name: row.name,
        price: row.price === null ? null : Number(row.price),
        url: row.url,
        imageUrl: row.image_url,
        stock: row.stock,
      },
    ]),
  );
}

/** The catalog's current details win over what an older event carried; either may be missing. */
export function productTemplateData(line: ProductLine | null, catalog: CatalogProduct | undefined): ProductData {
  return {
    product_id: catalog?.id ?? line?.product_id ?? null,
    sku: catalog?.sku ?? line?.sku ?? null,
    name: catalog?.name ?? line?.name ?? null,
    price: catalog?.price ?? line?.price ?? null,
    url: catalog?.url ?? line?.url ?? null,
    image_url: catalog?.imageUrl ?? line?.image_url ?? null,
    ...(line?.quantity === undefined ? {} : { quantity: line.quantity }),
    ...(catalog === undefined ? {} : { stock: catalog.stock }),
  };
}
