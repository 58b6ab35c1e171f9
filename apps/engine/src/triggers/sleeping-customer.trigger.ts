import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import {
  firstStepDelayMs,
  Rule,
  SLEEP_OCCASION_PREFIX,
  sleepOccasion,
  SleepParams,
  sleepStepDueAt,
  sleepVerdict,
} from '@beckon/rules';
import { loadCatalog, loadOrderHistories, productIdsIn, sleepTemplateData } from '@beckon/template-context';
import { DispatchRepository, DueDispatch, PendingStep } from '../dispatch/dispatch.repository';
import { eventSchedules } from '../moments/horizon';
import { ProjectionFacts } from '../profiles/projection-facts';
import { RuleCache } from '../rules/rule-cache';
import { OccasionOutcome, OccasionResolver } from './occasion-resolver';

/**
 * Sleeping customer: inactiveDays after the last order the customer falls asleep, once per episode
 * (the episode is named after that last order). A new order wakes them and ends the running
 * sequence. The moment scanner finds customers falling asleep; orders that arrive already old (an
 * event stamped 100 days ago) schedule their episode here.
 */
@Injectable()
export class SleepingCustomerTrigger implements OccasionResolver {
  readonly trigger = 'sleeping_customer' as const;

  constructor(
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
  ) {}

  async onFacts(tx: EntityManager, facts: ProjectionFacts, now = new Date()): Promise<void> {
    if (facts.orderHistories.length === 0) return;
    await this.dispatches.endSequences(
      tx,
      facts.orderHistories.map((h) => ({
        customerId: h.customerId,
        occasionPrefix: SLEEP_OCCASION_PREFIX,
        keepOccasion: sleepOccasion(h.lastOrderAt),
        reason: 'woke_up',
      })),
    );
    const pending: PendingStep[] = [];
    for (const rule of await this.rules.enabledFor(this.trigger, tx)) {
      const params = rule.params as SleepParams;
      for (const history of facts.orderHistories) {
        if (params.maxOrders !== undefined && history.orderCount > params.maxOrders) continue;
        const dueAt = sleepStepDueAt(history.lastOrderAt, params, firstStepDelayMs(rule));
        if (!eventSchedules(this.trigger, dueAt, now, this.config.SCAN_INTERVAL_MS)) continue;
        pending.push({
          ruleId: rule.id,
          customerId: history.customerId,
          occasion: sleepOccasion(history.lastOrderAt),
          step: 0,
          dueAt,
          correlationId: facts.correlations.get(history.customerId) ?? null,
        });
      }
    }
    await this.dispatches.schedule(tx, pending, { reschedule: false });
  }

  async resolve(
    tx: EntityManager,
    due: readonly DueDispatch[],
    rules: ReadonlyMap<string, Rule>,
    now: Date,
  ): Promise<Map<string, OccasionOutcome>> {
    const ids = [...new Set(due.map((d) => d.customerId))];
    const rows: Array<{ id: string; last_order_at: Date | null; order_count: number }> = await tx.query(
      `SELECT id, last_order_at, order_count FROM customers WHERE id = ANY($1::text[])`,
      [ids],
    );
    const histories = new Map(
      rows.map((row) => [row.id, { lastOrderAt: row.last_order_at, orderCount: row.order_count }]),
    );
    const verdicts = due.map((d) => {
      const history = histories.get(d.customerId) ?? { lastOrderAt: null, orderCount: 0 };
      return { d, verdict: sleepVerdict(history, d.occasion, rules.get(d.ruleId)!.params as SleepParams) };
    });

    const waking = verdicts.filter((v) => v.verdict.remind).map((v) => v.d.customerId);
    const orders = await loadOrderHistories(tx, waking);
    const catalog = await loadCatalog(tx, [...orders.values()].flatMap(productIdsIn));
    const outcomes = new Map<string, OccasionOutcome>();
    for (const { d, verdict } of verdicts) {
      outcomes.set(
        d.id,
        verdict.remind
          ? { kind: 'fire', context: sleepTemplateData(orders.get(d.customerId) ?? [], catalog, now) }
          : { kind: 'end', reason: verdict.reason },
      );
    }
    return outcomes;
  }
}
