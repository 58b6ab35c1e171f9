import {
  addIsoDuration,
  isStaleMoment,
  ORDER_OCCASION,
  orderOccasion,
  paramsSchemas,
  postPurchaseMoment,
  postPurchaseVerdict,
  skipsToNextStep,
} from '@beckon/rules';
import { isTrack } from '@beckon/events';
import { loadCatalog, orderTemplateData } from '@beckon/template-context';
import { defineTrigger } from '../definition';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { ProjectionFacts } from '../facts';
import { OccasionOutcome, PendingStep } from '../sequences';
import { loadLatestPurchase, loadLatestScores, loadPurchases, Purchase, surveyTemplateData } from './purchase-context';

export const POST_PURCHASE_EXAMPLE = {
  name: 'How was your order?',
  trigger: 'post_purchase' as const,
  params: { from: 'delivered', fallbackDays: 7 },
  steps: [
    {
      after: 'P2D',
      channels: ['email'],
      email: {
        subject: '{{ customer.first_name }}, how did we do?',
        html: `<p>How likely are you to recommend us to a friend?</p><p>{% for link in survey.links %}<a href="{{ link.url }}">{{ link.score }}</a> {% endfor %}</p>${UNSUBSCRIBE_LINK}`,
      },
    },
    {
      after: 'P3D',
      when: 'promoter',
      channels: ['email'],
      email: {
        subject: 'Glad you liked it! Would you review it?',
        html: `<p>A few words help other shoppers:</p><ul>{% for p in order.products %}<li><a href="{{ p.url }}">{{ p.name }}</a></li>{% endfor %}</ul>${UNSUBSCRIBE_LINK}`,
      },
    },
  ],
  priority: 120,
};

type OrderEvent = { orderId: string; customerId: string };

/** The batch's orders whose delivery, refund or cancellation it reports. */
function orderEvents(facts: ProjectionFacts, event: 'Order Delivered' | 'Order Refunded' | 'Order Cancelled') {
  return facts.events.flatMap(({ event: e, customerId }): OrderEvent[] =>
    isTrack(e, event) && customerId !== null ? [{ orderId: e.properties.order_id, customerId }] : [],
  );
}

const orderIdOf = (occasion: string): string => ORDER_OCCASION.parse(occasion)?.orderId ?? '';

/**
 * Post-purchase: a survey about each order once it is delivered (or once it is placed), with steps
 * that follow the answer. An order schedules its first step at the fallback moment (order +
 * fallbackDays); its delivery moves that step to delivery + after. A refund or cancellation ends the
 * sequence. Before each step goes, the order is looked at again, and a step with `when` goes only
 * to customers whose latest answer matches; the others skip it and the sequence goes on.
 */
export const postPurchase = defineTrigger({
  trigger: 'post_purchase',
  description:
    'After an order is delivered (`from: delivered`: its `Order Delivered`, else fallbackDays after the order) or placed (`from: ordered`): step 1 counts from then. A refund or cancellation ends the sequence. A step may carry `when` (promoter, passive, detractor, unanswered): it goes only to customers whose latest survey answer about the order matches. Not held back by the care window. Templates see `order` and `survey` (`links`: eleven `{score, url}` for 0-10, lowest first).',
  params: paramsSchemas.post_purchase,
  example: { summary: 'Survey after delivery, review request for promoters', value: POST_PURCHASE_EXAMPLE },
  careExempt: true,

  async onFacts({ tx, now, rules, ports }, facts) {
    const delivered = orderEvents(facts, 'Order Delivered');
    const orderIds = [...facts.orders.map((o) => o.orderId), ...delivered.map((d) => d.orderId)];
    if (rules.length > 0 && orderIds.length > 0) {
      const purchases = await loadPurchases(tx, orderIds);
      const pending: PendingStep[] = [];
      for (const rule of rules) {
        for (const purchase of purchases.values()) {
          if (purchase.refundedAt !== null || purchase.cancelledAt !== null) continue;
          const moment = postPurchaseMoment(purchase, rule.params);
          if (isStaleMoment(moment, now)) continue;
          pending.push({
            ruleId: rule.id,
            customerId: purchase.customerId,
            occasion: orderOccasion(purchase.id),
            step: 0,
            dueAt: addIsoDuration(moment, rule.steps[0].after),
            correlationId: facts.correlations.get(purchase.customerId) ?? null,
          });
        }
      }
      // Rescheduling moves a first step still waiting at the fallback moment to the delivery.
      await ports.sequences.schedule(tx, pending, { reschedule: true });
    }
    // After scheduling, so an order refunded within the same batch ends at once.
    await ports.sequences.endOccasions(tx, [
      ...orderEvents(facts, 'Order Refunded').map((e) => ({ ...ended(e), reason: 'order_refunded' })),
      ...orderEvents(facts, 'Order Cancelled').map((e) => ({ ...ended(e), reason: 'order_cancelled' })),
    ]);
  },

  async resolve({ tx, now, rules, ports }, due) {
    const purchases = await loadPurchases(
      tx,
      due.map((d) => orderIdOf(d.occasion)),
    );
    const scores = await loadLatestScores(
      tx,
      due.map((d) => ({ customerId: d.customerId, orderId: orderIdOf(d.occasion) })),
    );
    const catalog = await loadCatalog(
      tx,
      [...purchases.values()].flatMap((p) => p.products.flatMap((line) => line.product_id ?? [])),
    );
    const outcomes = new Map<string, OccasionOutcome>();
    const skippedTo: PendingStep[] = [];
    for (const d of due) {
      const orderId = orderIdOf(d.occasion);
      const purchase = purchases.get(orderId) ?? null;
      const steps = rules.get(d.ruleId)!.steps;
      const verdict = postPurchaseVerdict(purchase, steps[d.step]?.when, scores.scoreOf(d.customerId, orderId));
      if (verdict.send) {
        const claim = { dispatchId: d.id, customerId: d.customerId, orderId, ruleId: d.ruleId };
        outcomes.set(d.id, {
          kind: 'fire',
          context: templateData(purchase!, catalog, (s) => ports.surveyUrl(claim, s)),
        });
        continue;
      }
      outcomes.set(d.id, { kind: 'end', reason: verdict.reason });
      // A step for other answers is not the end of the sequence: the next step may be for this one.
      const following = steps[d.step + 1];
      if (skipsToNextStep(verdict) && following !== undefined) {
        skippedTo.push({ ...d, step: d.step + 1, dueAt: addIsoDuration(now, following.after) });
      }
    }
    await ports.sequences.schedule(tx, skippedTo, { reschedule: false });
    return outcomes;
  },

  async preview(db, _rule, recipient, { publicBaseUrl }) {
    const purchase = await loadLatestPurchase(db, recipient.id);
    const catalog = await loadCatalog(db, purchase?.products.flatMap((line) => line.product_id ?? []) ?? []);
    // Dummy links: a marketer clicking one in a preview must not answer for the customer.
    const dummy = (score: number) => `${publicBaseUrl ?? ''}/s/preview?score=${score}`;
    return purchase === null
      ? { order: null, survey: surveyTemplateData(dummy) }
      : templateData(purchase, catalog, dummy);
  },
});

const ended = (e: OrderEvent) => ({ customerId: e.customerId, occasion: orderOccasion(e.orderId) });

function templateData(
  purchase: Purchase,
  catalog: Parameters<typeof orderTemplateData>[1],
  urlOf: (score: number) => string,
): Record<string, unknown> {
  return { order: orderTemplateData(purchase, catalog), survey: surveyTemplateData(urlOf) };
}
