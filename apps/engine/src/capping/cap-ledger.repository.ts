import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { loadCapHistory } from '@beckon/persistence';
import { CapEvent } from '@beckon/rules';

/**
 * The per-customer rows every decision about sending takes a lock on, and the history caps count.
 * Holding the lock from before reading the history until the transaction that queues the messages
 * commits makes "read, decide, write" atomic per customer across engine instances.
 */
@Injectable()
export class CapLedgerRepository {
  /**
   * Locks these customers' ledger rows until the transaction ends, creating the missing ones first.
   * Both statements go in customer id order, so two engines locking overlapping sets wait for each
   * other instead of deadlocking.
   */
  async lock(tx: EntityManager, customerIds: readonly string[]): Promise<void> {
    const ids = [...new Set(customerIds)];
    if (ids.length === 0) return;
    await tx.query(
      `INSERT INTO customer_cap_ledger (customer_id)
       SELECT id FROM unnest($1::text[]) AS id ORDER BY id
       ON CONFLICT (customer_id) DO NOTHING`,
      [ids],
    );
    await tx.query(
      `SELECT customer_id FROM customer_cap_ledger WHERE customer_id = ANY($1::text[]) ORDER BY customer_id FOR UPDATE`,
      [ids],
    );
  }

  /**
   * The messages that count towards these customers' caps since `since` (see loadCapHistory). Read
   * after `lock`, so it includes whatever another engine committed while this one waited.
   */
  history(tx: EntityManager, customerIds: readonly string[], since: Date): Promise<Map<string, CapEvent[]>> {
    return loadCapHistory(tx, customerIds, since);
  }
}
