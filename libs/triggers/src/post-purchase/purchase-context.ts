import { EntityManager } from 'typeorm';
import { OrderFacts, SURVEY_SCORES } from '@beckon/rules';
import { PastOrder, ProductLine } from '@beckon/template-context';

/** An order as the post-purchase trigger sees it: what was bought, and what happened to it since. */
export interface Purchase extends PastOrder, OrderFacts {
  customerId: string;
}

/** The orders with these ids, one query for the whole batch. */
export async function loadPurchases(db: EntityManager, orderIds: readonly string[]): Promise<Map<string, Purchase>> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return new Map();
  return toPurchases(await db.query(`SELECT ${PURCHASE_COLUMNS} FROM orders WHERE id = ANY($1::text[])`, [ids]));
}

/** The customer's latest order, for previews. */
export async function loadLatestPurchase(db: EntityManager, customerId: string): Promise<Purchase | null> {
  const rows: PurchaseRow[] = await db.query(
    `SELECT ${PURCHASE_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 1`,
    [customerId],
  );
  return [...toPurchases(rows).values()][0] ?? null;
}

const answerKey = (customerId: string, orderId: string): string => `${customerId}\u0000${orderId}`;

/**
 * Each customer's latest survey score about each order (the last answer wins, whichever message it
 * answered); a pair with no answer is absent.
 */
export async function loadLatestScores(
  db: EntityManager,
  pairs: ReadonlyArray<{ customerId: string; orderId: string }>,
): Promise<{ scoreOf(customerId: string, orderId: string): number | null }> {
  const scores = new Map<string, number>();
  if (pairs.length > 0) {
    const rows: Array<{ customer_id: string; order_id: string; score: number }> = await db.query(
      `SELECT DISTINCT ON (a.customer_id, a.order_id) a.customer_id, a.order_id, a.score
       FROM survey_answers a
       JOIN unnest($1::text[], $2::text[]) AS p(customer_id, order_id)
         ON a.customer_id = p.customer_id AND a.order_id = p.order_id
       ORDER BY a.customer_id, a.order_id, a.answered_at DESC`,
      [pairs.map((p) => p.customerId), pairs.map((p) => p.orderId)],
    );
    for (const row of rows) scores.set(answerKey(row.customer_id, row.order_id), row.score);
  }
  return { scoreOf: (customerId, orderId) => scores.get(answerKey(customerId, orderId)) ?? null };
}

const PURCHASE_COLUMNS =
  'id, customer_id, placed_at, total, currency, products, delivered_at, refunded_at, cancelled_at';

interface PurchaseRow {
  id: string;
  customer_id: string;
  placed_at: Date;
  total: string | null;
  currency: string | null;
  products: ProductLine[];
  delivered_at: Date | null;
  refunded_at: Date | null;
  cancelled_at: Date | null;
}

function toPurchases(rows: readonly PurchaseRow[]): Map<string, Purchase> {
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        customerId: row.customer_id,
        placedAt: row.placed_at,
        total: row.total === null ? null : Number(row.total),
        currency: row.currency,
        products: row.products,
        deliveredAt: row.delivered_at,
        refundedAt: row.refunded_at,
        cancelledAt: row.cancelled_at,
      },
    ]),
  );
}

/** `survey`: `links`, eleven `{score, url}` for 0-10, lowest first. */
export function surveyTemplateData(urlOf: (score: number) => string): { links: Array<{ score: number; url: string }> } {
  return { links: SURVEY_SCORES.map((score) => ({ score, url: urlOf(score) })) };
}
