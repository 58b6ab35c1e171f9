import {
  dispatchKey,
  firstStepDelayMs,
  paramsSchemas,
  parseReorderOccasion,
  reorderOccasion,
  reorderProductPrefix,
  reorderRunsOutAt,
  reorderStepDueAt,
  reorderVerdict,
} from '@beckon/rules';
import { loadCatalog } from '@beckon/template-context';
import { defineTrigger } from '../definition';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { eventSchedules } from '../scan';
import { OccasionOutcome, PendingStep } from '../sequences';
import { reorderScan } from './reorder.scan';
import { loadReorderClocks, reorderTemplateData, runningOutTogether } from './reorder-context';

export const CONSUMABLE_REORDER_EXAMPLE = {
  name: 'Time to refill',
  trigger: 'consumable_reorder' as const,
  params: { defaultDays: 30, leadDays: 3 },
  steps: [
    {
      after: 'PT0S',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Running low, {{ customer.first_name }}?',
        html: `<p>Time to reorder:</p><ul>{% for p in products %}<li><a href="{{ p.url }}">{{ p.name }}</a> × {{ p.quantity }}</li>{% endfor %}</ul>${UNSUBSCRIBE_LINK}`,
      },
      webpush: { title: 'Running low on {{ product.name }}?', body: 'Reorder in one click', url: '{{ product.url }}' },
    },
  ],
  priority: 150,
};

/**
 * Consumable reorder: each product bought starts a clock of its replenishment_days (else the rule's
 * defaultDays); the reminder goes out leadDays before it runs out. Buying the product again restarts
 * the clock and cancels the pending reminder. The moment scanner finds clocks coming due; purchases
 * whose reminder is due soon (or arrived late) schedule it here.
 */
export const consumableReorder = defineTrigger({
  trigger: 'consumable_reorder',
  description:
    'A product bought runs out (its replenishment_days, else defaultDays): step 1 counts from leadDays before that day. Buying it again restarts the clock. Templates see `products`, `product`, `order`.',
  params: paramsSchemas.consumable_reorder,
  example: { summary: 'Remind three days before a product runs out', value: CONSUMABLE_REORDER_EXAMPLE },
  scan: reorderScan,

  async onFacts({ tx, now, rules, ports }, facts) {
    if (facts.reorderClocks.length === 0) return;
    await ports.sequences.endSequences(
      tx,
      facts.reorderClocks.map((clock) => ({
        customerId: clock.customerId,
        occasionPrefix: reorderProductPrefix(clock.productId),
        keepOccasion: reorderOccasion(clock.productId, clock.orderId),
        reason: 'reordered',
      })),
    );
    const pending: PendingStep[] = [];
    for (const rule of rules) {
      const delay = firstStepDelayMs(rule);
      for (const clock of facts.reorderClocks) {
        const dueAt = reorderStepDueAt(clock.orderedAt, clock.supplyDays, rule.params, delay);
        if (!eventSchedules(reorderScan, dueAt, now, ports.scanIntervalMs)) continue;
        if (reorderRunsOutAt(clock.orderedAt, clock.supplyDays, rule.params) < now) continue;
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
    await ports.sequences.schedule(tx, pending, { reschedule: false });
  },

  /**
   * Products bought together usually run out together: a reminder lists every product of the same
   * order that runs out on the same day, and the first step that goes out ends its siblings' first
   * steps as `combined`, so the customer gets one reminder, not one per product.
   */
  async resolve({ tx, rules, ports }, due) {
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
      const together = runningOutTogether(clock!, own, rules.get(d.ruleId)!.params);
      outcomes.set(d.id, { kind: 'fire', context: reorderTemplateData(together, catalog) });
      if (d.step > 0) continue;
      for (const sibling of together.slice(1)) {
        const key = dispatchKey(d.ruleId, d.customerId, reorderOccasion(sibling.productId, sibling.orderId), 0);
        const inBatch = byKey.get(key);
        if (inBatch !== undefined) outcomes.set(inBatch.id, { kind: 'end', reason: 'combined' });
        else combined.push(key);
      }
    }
    await ports.sequences.endSteps(tx, combined, 'combined');
    return outcomes;
  },

  async preview(db, rule, recipient, { productId }) {
    const clocks = (await loadReorderClocks(db, [recipient.id])).get(recipient.id) ?? [];
    const runsOut = (c: (typeof clocks)[number]) => reorderRunsOutAt(c.orderedAt, c.supplyDays, rule.params).getTime();
    const clock =
      productId === undefined
        ? [...clocks].sort((a, b) => runsOut(a) - runsOut(b))[0]
        : clocks.find((c) => c.productId === productId);
    if (clock === undefined) return reorderTemplateData([], new Map());
    const together = runningOutTogether(clock, clocks, rule.params);
    return reorderTemplateData(
      together,
      await loadCatalog(
        db,
        together.map((c) => c.productId),
      ),
    );
  },
});
