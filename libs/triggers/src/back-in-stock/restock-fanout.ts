import { EntityManager } from 'typeorm';
import { dispatchKey, restockOccasion } from '@beckon/rules';
import { StockRequestFact } from '../facts';

/** Requests notified per transaction: large waiting lists go out in steps, never holding a lock for long. */
export const FANOUT_BATCH = 1000;

interface FanoutJob {
  productId: string;
  cursor: string;
  restockedAt: Date;
}

/** A back-in-stock rule as the fan-out needs it. */
export interface NotifyingRule {
  id: string;
  firstDelayMs: number;
}

/** What a fan-out's notifications name as their cause: the restock (one per product and time). */
function restockCorrelationId(job: FanoutJob): string {
  return `restock:${job.productId}:${job.restockedAt.toISOString()}`;
}

/**
 * Restock fan-outs (table restock_fanouts): one job per product walking its waiting list in request
 * order, a batch at a time, off the consumer's path. A restock (re)starts the product's fan-out from
 * the top of its waiting list.
 */
export async function startFanouts(tx: EntityManager, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  await tx.query(
    `INSERT INTO restock_fanouts (product_id, restocked_at, cursor, status)
     SELECT id, now(), 0, 'running' FROM unnest($1::text[]) AS p(id) ORDER BY id
     ON CONFLICT (product_id) DO UPDATE SET
       restocked_at = now(), cursor = 0, status = 'running', scheduled = 0, updated_at = now()`,
    [productIds],
  );
}

/**
 * One batch of one product's waiting list: the stock is checked before each batch, so a product that
 * sells out again mid-way stops the rest (they keep waiting for the next restock).
 */
export async function fanOutBatch(
  tx: EntityManager,
  rules: readonly NotifyingRule[],
  now: Date,
): Promise<'idle' | 'advanced'> {
  const job = await claimJob(tx);
  if (job === null) return 'idle';
  if ((await stockOf(tx, job.productId)) <= 0) {
    await advance(tx, job.productId, { scheduled: 0, status: 'sold_out' });
    return 'advanced';
  }
  const waiting = rules.length === 0 ? [] : await waitingRequests(tx, job, FANOUT_BATCH);
  const correlationId = restockCorrelationId(job);
  await scheduleNotifications(tx, waiting, rules, now, () => correlationId);
  await advance(tx, job.productId, {
    cursor: waiting.at(-1)?.requestId,
    scheduled: waiting.length,
    status: waiting.length < FANOUT_BATCH ? 'done' : 'running',
  });
  return 'advanced';
}

/**
 * Schedules the first step for each request and rule, due now plus the step's delay. A step parked
 * because the product sold out before it went out is woken instead of duplicated.
 */
export async function scheduleNotifications(
  tx: EntityManager,
  requests: readonly StockRequestFact[],
  rules: readonly NotifyingRule[],
  now: Date,
  correlationOf: (request: StockRequestFact) => string | null,
): Promise<number> {
  const rows = rules.flatMap((rule) =>
    requests.map((request) => {
      const occasion = restockOccasion(request.productId, request.requestId);
      return {
        key: dispatchKey(rule.id, request.customerId, occasion, 0),
        ruleId: rule.id,
        customerId: request.customerId,
        occasion,
        dueAt: new Date(now.getTime() + rule.firstDelayMs).toISOString(),
        correlationId: correlationOf(request),
      };
    }),
  );
  if (rows.length === 0) return 0;
  await tx.query(
    `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at, correlation_id)
     SELECT k, r, c, o, 0, 'scheduled', d, x
     FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS t(k, r, c, o, d, x)
     ON CONFLICT (dispatch_key) DO UPDATE SET due_at = EXCLUDED.due_at, reason = NULL,
       correlation_id = EXCLUDED.correlation_id, updated_at = now()
     WHERE dispatches.status = 'scheduled' AND dispatches.due_at IS NULL`,
    [
      rows.map((r) => r.key),
      rows.map((r) => r.ruleId),
      rows.map((r) => r.customerId),
      rows.map((r) => r.occasion),
      rows.map((r) => r.dueAt),
      rows.map((r) => r.correlationId),
    ],
  );
  return rows.length;
}

/** The running job least recently advanced; SKIP LOCKED lets several engines fan out different products. */
async function claimJob(tx: EntityManager): Promise<FanoutJob | null> {
  const [row]: Array<{ product_id: string; cursor: string; restocked_at: Date }> = await tx.query(
    `SELECT product_id, cursor, restocked_at FROM restock_fanouts WHERE status = 'running'
     ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
  );
  return row === undefined
    ? null
    : { productId: row.product_id, cursor: String(row.cursor), restockedAt: row.restocked_at };
}

async function stockOf(tx: EntityManager, productId: string): Promise<number> {
  const [row]: Array<{ stock: number | null }> = await tx.query(`SELECT stock FROM products WHERE id = $1`, [
    productId,
  ]);
  return row?.stock ?? 0;
}

async function waitingRequests(tx: EntityManager, job: FanoutJob, limit: number): Promise<StockRequestFact[]> {
  const rows: Array<{ id: string; customer_id: string }> = await tx.query(
    `SELECT id, customer_id FROM stock_requests
     WHERE product_id = $1 AND status = 'open' AND id > $2::bigint ORDER BY id LIMIT $3`,
    [job.productId, job.cursor, limit],
  );
  return rows.map((row) => ({ requestId: String(row.id), customerId: row.customer_id, productId: job.productId }));
}

async function advance(
  tx: EntityManager,
  productId: string,
  update: { cursor?: string; scheduled: number; status: 'running' | 'done' | 'sold_out' },
): Promise<void> {
  await tx.query(
    `UPDATE restock_fanouts SET cursor = COALESCE($2::bigint, cursor), scheduled = scheduled + $3, status = $4,
       updated_at = now()
     WHERE product_id = $1`,
    [productId, update.cursor ?? null, update.scheduled, update.status],
  );
}
