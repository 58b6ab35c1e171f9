import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StockRequestFact } from '@beckon/triggers';
import { rowsOf } from '@beckon/persistence';
import { StockRequestRecord } from './catalog-records';

export type OpenedRequest = StockRequestFact;

/** "Tell me when it is back": one open request per customer and product until it is notified or closed. */
@Injectable()
export class StockRequestRepository {
  /** Opens the requests that are not open yet; asking twice keeps the first request and its place in line. */
  async open(tx: EntityManager, requests: readonly StockRequestRecord[]): Promise<OpenedRequest[]> {
    const unique = new Map(requests.map((r) => [`${r.customerId}\u0000${r.productId}`, r]));
    if (unique.size === 0) return [];
    const list = [...unique.values()];
    const rows: Array<{ id: string; customer_id: string; product_id: string }> = await tx.query(
      `INSERT INTO stock_requests (customer_id, product_id, requested_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
       ON CONFLICT (customer_id, product_id) WHERE status = 'open' DO NOTHING
       RETURNING id, customer_id, product_id`,
      [list.map((r) => r.customerId), list.map((r) => r.productId), list.map((r) => r.requestedAt.toISOString())],
    );
    return rows.map((row) => ({ requestId: String(row.id), customerId: row.customer_id, productId: row.product_id }));
  }

  /** A customer who bought the product no longer waits for it. */
  async closePurchased(
    tx: EntityManager,
    purchases: ReadonlyArray<{ customerId: string; productId: string }>,
  ): Promise<OpenedRequest[]> {
    if (purchases.length === 0) return [];
    const rows = rowsOf<{ id: string; customer_id: string; product_id: string }>(
      await tx.query(
        `UPDATE stock_requests r SET status = 'closed', closed_at = now(), close_reason = 'purchased'
         FROM unnest($1::text[], $2::text[]) AS p(customer_id, product_id)
         WHERE r.customer_id = p.customer_id AND r.product_id = p.product_id AND r.status = 'open'
         RETURNING r.id, r.customer_id, r.product_id`,
        [purchases.map((p) => p.customerId), purchases.map((p) => p.productId)],
      ),
    );
    return rows.map((row) => ({ requestId: String(row.id), customerId: row.customer_id, productId: row.product_id }));
  }

  /** Marks requests notified once their first message went out: the request is then done. */
  async markNotified(tx: EntityManager, requestIds: readonly string[]): Promise<void> {
    if (requestIds.length === 0) return;
    await tx.query(
      `UPDATE stock_requests SET status = 'notified', notified_at = now()
       WHERE id = ANY($1::bigint[]) AND status = 'open'`,
      [requestIds],
    );
  }
}
