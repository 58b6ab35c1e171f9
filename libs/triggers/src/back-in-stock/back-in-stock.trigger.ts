import { firstStepDelayMs, paramsSchemas, parseRestockOccasion, restockOccasion } from '@beckon/rules';
import { loadCatalog, productTemplateData } from '@beckon/template-context';
import { EntityManager } from 'typeorm';
import { defineTrigger } from '../definition';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { OccasionOutcome } from '../sequences';

export const BACK_IN_STOCK_EXAMPLE = {
  name: 'Back in stock',
  trigger: 'back_in_stock' as const,
  params: {},
  steps: [
    {
      after: 'PT0S',
      channels: ['email', 'webpush'],
      email: {
        subject: '{{ product.name }} is back',
        html: `<p><a href="{{ product.url }}"><img src="{{ product.image_url }}" alt="">{{ product.name }}</a> is back for {{ product.price }}.</p>${UNSUBSCRIBE_LINK}`,
      },
      webpush: {
        title: '{{ product.name }} is back',
        body: 'Now {{ product.price }}',
        url: '{{ product.url }}',
        icon: '{{ product.image_url }}',
      },
    },
  ],
  priority: 300,
};

/**
 * Back in stock: Back In Stock Requested puts the customer on the product's waiting list; Inventory
 * Updated from 0 to more starts a fan-out (the engine's RestockFanoutWorker) that notifies every
 * waiting request once. A request made while the product is in stock is answered at once. Buying
 * the product closes the request.
 */
export const backInStock = defineTrigger({
  trigger: 'back_in_stock',
  description:
    'A product the customer asked about is back: step 1 counts from the restock (or the request, when it is in stock). Buying it closes the request. Templates see `product`.',
  params: paramsSchemas.back_in_stock,
  example: { summary: 'Tell waiting customers a product is back', value: BACK_IN_STOCK_EXAMPLE },

  async onFacts({ tx, now, rules, ports }, facts) {
    await ports.sequences.endOccasions(
      tx,
      facts.purchasedRequests.map((r) => ({
        customerId: r.customerId,
        occasion: restockOccasion(r.productId, r.requestId),
        reason: 'purchased',
      })),
    );
    if (rules.length === 0) return;
    await ports.restock.start(tx, facts.restocked);
    await ports.restock.scheduleNotifications(
      tx,
      facts.stockRequests.filter((r) => r.inStock),
      rules.map((rule) => ({ id: rule.id, firstDelayMs: firstStepDelayMs(rule) })),
      now,
      (request) => facts.correlations.get(request.customerId) ?? null,
    );
  },

  /**
   * The first step goes out while the product is in stock and the request still open; if it sold out
   * again first, the step waits (no due time) until the next restock's fan-out wakes it. A request
   * whose first step fired is marked notified: it is done.
   */
  async resolve({ tx, ports }, due) {
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
    await ports.restock.markNotified(tx, notified);
    return outcomes;
  },

  async preview(db, _rule, recipient, { productId }) {
    const product = productId ?? (await latestRequestedProduct(db, recipient.id));
    if (product === null) return { product: null };
    const catalog = await loadCatalog(db, [product]);
    return { product: productTemplateData({ product_id: product }, catalog.get(product)) };
  },
});

async function latestRequestedProduct(db: EntityManager, customerId: string): Promise<string | null> {
  const [row]: Array<{ product_id: string }> = await db.query(
    `SELECT product_id FROM stock_requests WHERE customer_id = $1 ORDER BY id DESC LIMIT 1`,
    [customerId],
  );
  return row?.product_id ?? null;
}
