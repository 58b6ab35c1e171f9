import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { foldStock } from '@beckon/rules';
import { changesProduct, ProductDetails, StoredProduct } from './catalog-records';

/** The product catalog as storefront events describe it: details from any event, stock from Inventory Updated. */
@Injectable()
export class CatalogRepository {
  /**
   * Most events repeat what the catalog already says, so only new or changed products are written:
   * reading first is far cheaper than an upsert, which locks every row it touches even when nothing
   * changes. Customer events (details) and catalog events (stock) of one product arrive on different
   * partitions, so rows are written in id order: two batches never lock products in opposite orders.
   */
  async upsertDetails(tx: EntityManager, all: readonly ProductDetails[]): Promise<void> {
    if (all.length === 0) return;
    const known: StoredProduct[] = await tx.query(
      `SELECT id, sku, name, price, url, image_url FROM products WHERE id = ANY($1::text[])`,
      [all.map((d) => d.id)],
    );
    const byId = new Map(known.map((row) => [row.id, row]));
    const details = all.filter((d) => changesProduct(byId.get(d.id), d));
    if (details.length === 0) return;
    await tx.query(
      `INSERT INTO products AS p (id, sku, name, price, url, image_url)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[]) ORDER BY 1
       ON CONFLICT (id) DO UPDATE SET
         sku = COALESCE(EXCLUDED.sku, p.sku), name = COALESCE(EXCLUDED.name, p.name),
         price = COALESCE(EXCLUDED.price, p.price), url = COALESCE(EXCLUDED.url, p.url),
         image_url = COALESCE(EXCLUDED.image_url, p.image_url), updated_at = now()
       WHERE (p.sku, p.name, p.price, p.url, p.image_url) IS DISTINCT FROM
             (COALESCE(EXCLUDED.sku, p.sku), COALESCE(EXCLUDED.name, p.name), COALESCE(EXCLUDED.price, p.price),
              COALESCE(EXCLUDED.url, p.url), COALESCE(EXCLUDED.image_url, p.image_url))`,
      [
        details.map((d) => d.id),
        details.map((d) => d.sku ?? null),
        details.map((d) => d.name ?? null),
        details.map((d) => d.price ?? null),
        details.map((d) => d.url ?? null),
        details.map((d) => d.imageUrl ?? null),
      ],
    );
  }

  /** Applies the batch's stock levels (rows exist: upsertDetails ran first) and returns the restocked products. */
  async applyStock(tx: EntityManager, updates: ReadonlyMap<string, readonly number[]>): Promise<string[]> {
    if (updates.size === 0) return [];
    const rows: Array<{ id: string; stock: number | null }> = await tx.query(
      `SELECT id, stock FROM products WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [[...updates.keys()]],
    );
    const folded = rows.map((row) => ({ id: row.id, ...foldStock(row.stock, updates.get(row.id) ?? []) }));
    await tx.query(
      `UPDATE products p SET stock = u.stock, stock_updated_at = now(), updated_at = now()
       FROM unnest($1::text[], $2::int[]) AS u(id, stock) WHERE p.id = u.id`,
      [folded.map((f) => f.id), folded.map((f) => f.stock)],
    );
    return folded.filter((f) => f.restocked).map((f) => f.id);
  }

  async inStock(tx: EntityManager, productIds: readonly string[]): Promise<Set<string>> {
    if (productIds.length === 0) return new Set();
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM products WHERE id = ANY($1::text[]) AND stock > 0`,
      [[...new Set(productIds)]],
    );
    return new Set(rows.map((row) => row.id));
  }
}
