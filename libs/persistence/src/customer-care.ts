import type { CareSignal, CustomerCare } from '@beckon/rules';
import type { Queryable } from './cap-settings';

/**
 * The care of these customers whose window has not ended by `at` (customers.care_until, written by
 * the engine's care module). The engine reads it under the customers' ledger locks, in the
 * transaction that decides their steps; the API reads it for GET /v1/customers/{id}. A primary-key
 * lookup per batch, not per step.
 */
export async function loadCustomerCare(
  db: Queryable,
  customerIds: readonly string[],
  at: Date,
): Promise<Map<string, CustomerCare>> {
  const ids = [...new Set(customerIds)];
  const care = new Map<string, CustomerCare>();
  if (ids.length === 0) return care;
  const rows: Array<{ id: string; care_until: Date; care_signal: CareSignal }> = await db.query(
    `SELECT id, care_until, care_signal FROM customers
     WHERE id = ANY($1::text[]) AND care_until > $2 AND care_signal IS NOT NULL`,
    [ids, at.toISOString()],
  );
  for (const row of rows) care.set(row.id, { until: row.care_until, signal: row.care_signal });
  return care;
}
