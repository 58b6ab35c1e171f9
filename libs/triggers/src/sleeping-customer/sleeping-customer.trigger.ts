import {
  firstStepDelayMs,
  paramsSchemas,
  SLEEP_OCCASION_PREFIX,
  sleepOccasion,
  sleepStepDueAt,
  sleepVerdict,
} from '@beckon/rules';
import { loadCatalog } from '@beckon/template-context';
import { defineTrigger } from '../definition';
import { eventSchedules } from '../scan';
import { OccasionOutcome, PendingStep } from '../sequences';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { loadOrderHistories, productIdsIn, sleepTemplateData } from './order-history';
import { sleepScan } from './sleep.scan';

export const SLEEPING_CUSTOMER_EXAMPLE = {
  name: 'Win back one-time buyers',
  trigger: 'sleeping_customer' as const,
  params: { inactiveDays: 90, maxOrders: 1 },
  steps: [
    {
      after: 'PT0S',
      channels: ['webpush', 'email'],
      webpush: {
        title: '{{ customer.first_name }}, we miss you',
        body: 'Still enjoying {{ recommendations[0].name }}?',
        url: '{{ recommendations[0].url }}',
      },
      email: {
        subject: '{{ customer.first_name }}, we miss you',
        html: `<p>It has been {{ days_inactive }} days. Picked for you:</p><ul>{% for p in recommendations %}<li><a href="{{ p.url }}"><img src="{{ p.image_url }}" alt="">{{ p.name }} – {{ p.price }}</a></li>{% endfor %}</ul>${UNSUBSCRIBE_LINK}`,
      },
    },
    {
      after: 'P7D',
      channels: ['email'],
      email: {
        subject: 'A little something to come back for',
        text: 'Your favourites are waiting: {% for p in recommendations %}{{ p.name }} {{ p.url }} {% endfor %}\nUnsubscribe: {{ unsubscribe_url }}',
      },
    },
  ],
  priority: 50,
  // A tenth of the sleepers get nothing: their orders show what the rule adds.
  holdoutPercent: 10,
  attributionWindows: { email: 'P7D', webpush: 'PT24H' },
};

/**
 * Sleeping customer: inactiveDays after the last order the customer falls asleep, once per episode
 * (the episode is named after that last order). A new order wakes them and ends the running
 * sequence. The moment scanner finds customers falling asleep; orders that arrive already old (an
 * event stamped 100 days ago) schedule their episode here.
 */
export const sleepingCustomer = defineTrigger({
  trigger: 'sleeping_customer',
  description:
    'No order for inactiveDays (optionally only customers with at most maxOrders orders); a new order ends the sequence. Templates see `order` (the last one), `days_inactive`, `recommendations`.',
  params: paramsSchemas.sleeping_customer,
  example: { summary: 'Win back one-time buyers after 90 days', value: SLEEPING_CUSTOMER_EXAMPLE },
  scan: sleepScan,

  async onFacts({ tx, now, rules, ports }, facts) {
    if (facts.orderHistories.length === 0) return;
    await ports.sequences.endSequences(
      tx,
      facts.orderHistories.map((h) => ({
        customerId: h.customerId,
        occasionPrefix: SLEEP_OCCASION_PREFIX,
        keepOccasion: sleepOccasion(h.lastOrderAt),
        reason: 'woke_up',
      })),
    );
    const pending: PendingStep[] = [];
    for (const rule of rules) {
      const params = rule.params;
      for (const history of facts.orderHistories) {
        if (params.maxOrders !== undefined && history.orderCount > params.maxOrders) continue;
        const dueAt = sleepStepDueAt(history.lastOrderAt, params, firstStepDelayMs(rule));
        if (!eventSchedules(sleepScan, dueAt, now, ports.scanIntervalMs)) continue;
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
    await ports.sequences.schedule(tx, pending, { reschedule: false });
  },

  async resolve({ tx, now, rules }, due) {
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
      return { d, verdict: sleepVerdict(history, d.occasion, rules.get(d.ruleId)!.params) };
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
  },

  async preview(db, _rule, recipient, { now }) {
    const orders = (await loadOrderHistories(db, [recipient.id])).get(recipient.id) ?? [];
    return sleepTemplateData(orders, await loadCatalog(db, productIdsIn(orders)), now);
  },
});
