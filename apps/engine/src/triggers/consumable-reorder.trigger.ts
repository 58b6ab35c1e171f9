import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import {
  dispatchKey,
  firstStepDelayMs,
  parseReorderOccasion,
  ReorderParams,
  reorderOccasion,
  reorderProductPrefix,
  reorderRunsOutAt,
  reorderStepDueAt,
  reorderVerdict,
  Rule,
} from '@beckon/rules';
import { loadCatalog, loadReorderClocks, reorderTemplateData, runningOutTogether } from '@beckon/template-context';
import { DispatchRepository, DueDispatch, PendingStep } from '../dispatch/dispatch.repository';
import { eventSchedules } from '../moments/horizon';
import { ProjectionFacts } from '../profiles/projection-facts';
import { RuleCache } from '../rules/rule-cache';
import { OccasionOutcome, OccasionResolver } from './occasion-resolver';

/**
 * Consumable reorder: each product bought starts a clock of its replenishment_days (else the rule's
 * defaultDays); the reminder goes out leadDays before it runs out. Buying the product again restarts
 * the clock and cancels the pending reminder. The moment scanner finds clocks coming due; purchases
 * whose reminder is due soon (or arrived late) schedule it here.
 */
@Injectable()
export class ConsumableReorderTrigger implements OccasionResolver {
  readonly trigger = 'consumable_reorder' as const;

  constructor(
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
  ) {}

  async onFacts(tx: EntityManager, facts: ProjectionFacts, now = new Date()): Promise<void> {
    if (facts.reorderClocks.length === 0) return;
    await this.dispatches.endSequences(
      tx,
      facts.reorderClocks.map((clock) => ({
        customerId: clock.customerId,
        occasionPrefix: reorderProductPrefix(clock.productId),
        keepOccasion: reorderOccasion(clock.productId, clock.orderId),
        reason: 'reordered',
      })),
    );
    const pending: PendingStep[] = [];
    for (const rule of await this.rules.enabledFor(this.trigger, tx)) {
      const params = rule.params as ReorderParams;
      const delay = firstStepDelayMs(rule);
      for (const clock of facts.reorderClocks) {
        const dueAt = reorderStepDueAt(clock.orderedAt, clock.supplyDays, params, delay);
        if (!eventSchedules(this.trigger, dueAt, now, this.config.SCAN_INTERVAL_MS)) continue;
        if (reorderRunsOutAt(clock.orderedAt, clock.supplyDays, params) < now) continue;
        pending.push({
          ruleId: rule.id,
          customerId: clock.customerId,
          occasion: reorderOccasion(clock.productId, clock.orderId),
          step: 0,
          dueAt,
          correlationId: facts.correlations.get(clock.customerId) ?? null,
        });
      }
    }
    await this.dispatches.schedule(tx, pending, { reschedule: false });
  }

  /**
   * Products bought together usually run out together: a reminder lists every product of the same
   * order that runs out on the same day, and the first step that goes out ends its siblings' first
   * steps as `combined`, so the customer gets one reminder, not one per product.
   */
  async resolve(
    tx: EntityManager,
    due: readonly DueDispatch[],
    rules: ReadonlyMap<string, Rule>,
  ): Promise<Map<string, OccasionOutcome>> {
    const clocks = await loadReorderClocks(
      tx,
      due.map((d) => d.customerId),
    );
    const catalog = await loadCatalog(
      tx,
      [...clocks.values()].flatMap((list) => list.map((c) => c.productId)),
    );
    const byKey = new Map(due.map((d) => [dispatchKey(d.ruleId, d.customerId, d.occasion, d.step), d]));
    const outcomes = new Map<string, OccasionOutcome>();
    const combined: string[] = [];
    for (const d of due) {
      if (outcomes.has(d.id)) continue; // combined into an earlier reminder of this batch
      const episode = parseReorderOccasion(d.occasion);
      const own = clocks.get(d.customerId) ?? [];
      const clock = own.find((c) => c.productId === episode?.productId);
      const verdict = reorderVerdict(clock?.orderId ?? null, episode?.orderId ?? '');
      if (!verdict.remind) {
        outcomes.set(d.id, { kind: 'end', reason: verdict.reason });
        continue;
      }
      const together = runningOutTogether(clock!, own, rules.get(d.ruleId)!.params as ReorderParams);
      outcomes.set(d.id, { kind: 'fire', context: reorderTemplateData(together, catalog) });
      if (d.step > 0) continue;
      for (const sibling of together.slice(1)) {
        const key = dispatchKey(d.ruleId, d.customerId, reorderOccasion(sibling.productId, sibling.orderId), 0);
        const inBatch = byKey.get(key);
        if (inBatch !== undefined) outcomes.set(inBatch.id, { kind: 'end', reason: 'combined' });
        else combined.push(key);
      }
    }
    await this.dispatches.endSteps(tx, combined, 'combined');
    return outcomes;
  }
}
