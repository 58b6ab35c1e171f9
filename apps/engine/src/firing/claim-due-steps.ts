import { EntityManager } from 'typeorm';
import { Rule } from '@beckon/rules';
import { DueDispatch } from '@beckon/triggers';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { RuleCache } from '../rules/rule-cache';
import { inFiringOrder } from './firing-order';

export interface ClaimedSteps {
  /** In firing order. */
  due: DueDispatch[];
  rules: ReadonlyMap<string, Rule>;
  /** Customers an ingestion batch is writing right now. */
  busy: ReadonlySet<string>;
}

/**
 * Stage 1, claim: up to `limit` due steps (SKIP LOCKED: engines share them), the rules as they are
 * now, and which of the customers are being written by an ingestion batch at this moment.
 */
export async function claimDueSteps(
  tx: EntityManager,
  dispatches: DispatchRepository,
  ruleCache: RuleCache,
  limit: number,
  now: Date,
): Promise<ClaimedSteps | null> {
  const claimed = await dispatches.claimDue(tx, limit, now);
  if (claimed.length === 0) return null;
  // A rule disabled a moment ago stops its steps now, not half a second later.
  await ruleCache.refreshIfChanged(tx);
  const rules = await ruleCache.all(tx);
  const due = inFiringOrder(claimed, rules);
  // A customer an ingestion batch is writing right now is looked at again on the next tick, so a
  // step never fires on state that is about to change (an order arriving as the reminder goes out).
  const busy = await dispatches.busyCustomers(
    tx,
    due.map((d) => d.customerId),
  );
  return { due, rules, busy };
}
