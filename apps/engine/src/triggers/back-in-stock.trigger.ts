import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { firstStepDelayMs, parseRestockOccasion, restockOccasion, Rule } from '@beckon/rules';
import { loadCatalog, productTemplateData } from '@beckon/template-context';
import { StockRequestRepository } from '../catalog/stock-request.repository';
import { DispatchRepository, DueDispatch } from '../dispatch/dispatch.repository';
import { ProjectionFacts } from '../profiles/projection-facts';
import { RestockFanoutRepository } from '../restock/restock-fanout.repository';
import { RuleCache } from '../rules/rule-cache';
import { OccasionOutcome, OccasionResolver } from './occasion-resolver';

/**
 * Back in stock: Back In Stock Requested puts the customer on the product's waiting list; Inventory
 * Updated from 0 to more starts a fan-out (RestockFanoutWorker) that notifies every waiting request
 * once. A request made while the product is in stock is answered at once. Buying the product closes
 * the request.
 */
@Injectable()
export class BackInStockTrigger implements OccasionResolver {
  readonly trigger = 'back_in_stock' as const;

  constructor(
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
    private readonly fanouts: RestockFanoutRepository,
    private readonly requests: StockRequestRepository,
  ) {}

  async onFacts(tx: EntityManager, facts: ProjectionFacts, now = new Date()): Promise<void> {
    await this.dispatches.endOccasions(
      tx,
      facts.purchasedRequests.map((r) => ({
        customerId: r.customerId,
        occasion: restockOccasion(r.productId, r.requestId),
        reason: 'purchased',
      })),
    );
    const rules = await this.rules.enabledFor(this.trigger, tx);
    if (rules.length === 0) return;
    await this.fanouts.start(tx, facts.restocked);
    await this.fanouts.scheduleNotifications(
      tx,
      facts.stockRequests.filter((r) => r.inStock),
      rules.map((rule) => ({ id: rule.id, firstDelayMs: firstStepDelayMs(rule) })),
      now,
      (request) => facts.correlations.get(request.customerId) ?? null,
    );
  }

  /**
   * The first step goes out while the product is in stock and the request still open; if it sold out
   * again first, the step waits (no due time) until the next restock's fan-out wakes it. A request
   * whose first step fired is marked notified: it is done.
   */
  async resolve(tx: EntityManager, due: readonly DueDispatch[], _rules: ReadonlyMap<string, Rule>) {
    const episodes = new Map(due.map((d) => [d.id, parseRestockOccasion(d.occasion)]));
    const requestIds = [...episodes.values()].flatMap((e) => (e === null ? [] : [e.requestId]));
    const statuses: Array<{ id: string; status: string }> = await tx.query(
      `SELECT id, status FROM stock_requests WHERE id = ANY($1::bigint[])`,
      [requestIds],
    );
    const statusOf = new Map(statuses.map((row) => [String(row.id), row.status]));
    const catalog = await loadCatalog(
      tx,
      [...episodes.values()].flatMap((e) => (e === null ? [] : [e.productId])),
    );

    const outcomes = new Map<string, OccasionOutcome>();
    const notified: string[] = [];
    for (const d of due) {
      const episode = episodes.get(d.id);
      const status = episode == null ? undefined : statusOf.get(episode.requestId);
      const product = episode == null ? undefined : catalog.get(episode.productId);
      if (episode == null || status === undefined || status === 'closed') {
        outcomes.set(d.id, { kind: 'end', reason: 'request_closed' });
      } else if ((product?.stock ?? 0) <= 0) {
        outcomes.set(
          d.id,
          d.step === 0 ? { kind: 'wait', until: null, reason: 'sold_out' } : { kind: 'end', reason: 'sold_out' },
        );
      } else {
        outcomes.set(d.id, { kind: 'fire', context: { product: productTemplateData(null, product) } });
        if (d.step === 0) notified.push(episode.requestId);
      }
    }
    await this.requests.markNotified(tx, notified);
    return outcomes;
  }
}
