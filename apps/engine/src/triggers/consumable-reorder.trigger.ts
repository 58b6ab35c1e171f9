import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import {
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
import { loadCatalog, loadReorderClocks, ReorderClock, reorderTemplateData } from '@beckon/template-context';
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
    for (const rule of await this.rules.enabledFor(this.trigger)) {
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
          correlationId: null,
        });
      }
    }
    await this.dispatches.schedule(tx, pending, { reschedule: false });
  }

  /**
   * Products bought together usually run out together: first steps of one rule and customer that come
   * due in the same batch go out as one reminder listing every product, and the others end `combined`.
   */
  async resolve(
    tx: EntityManager,
    due: readonly DueDispatch[],
    _rules: ReadonlyMap<string, Rule>,
  ): Promise<Map<string, OccasionOutcome>> {
    const clocks = await loadReorderClocks(
      tx,
      due.map((d) => d.customerId),
    );
    const outcomes = new Map<string, OccasionOutcome>();
    const firing = new Map<string, { lead: DueDispatch; clocks: ReorderClock[] }>();
    for (const d of due) {
      const episode = parseReorderOccasion(d.occasion);
      const clock = clocks.get(d.customerId)?.find((c) => c.productId === episode?.productId);
      const verdict =
        episode === null ? reorderVerdict(null, '') : reorderVerdict(clock?.orderId ?? null, episode.orderId);
      if (!verdict.remind) {
        outcomes.set(d.id, { kind: 'end', reason: verdict.reason });
        continue;
      }
      const group = d.step === 0 ? `${d.ruleId}|${d.customerId}` : d.id;
      const joined = firing.get(group);
      if (joined === undefined) firing.set(group, { lead: d, clocks: [clock!] });
      else {
        joined.clocks.push(clock!);
        outcomes.set(d.id, { kind: 'end', reason: 'combined' });
      }
    }
    const catalog = await loadCatalog(
      tx,
      [...firing.values()].flatMap((f) => f.clocks.map((c) => c.productId)),
    );
    for (const { lead, clocks: group } of firing.values()) {
      outcomes.set(lead.id, { kind: 'fire', context: reorderTemplateData(group, catalog) });
    }
    return outcomes;
  }
}
