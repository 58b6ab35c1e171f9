import {
  addIsoDuration,
  BROWSE_OCCASION,
  BROWSE_OCCASION_PREFIX,
  BrowseActivity,
  browsedProducts,
  browseOccasion,
  browseVerdict,
  inBrowseCooldown,
  latestVisit,
  paramsSchemas,
  parseIsoDuration,
  Visit,
  VISIT_LOOKBACK_MS,
  visitStartingAt,
} from '@beckon/rules';
import { CatalogProduct, loadCatalog, ProductData, productTemplateData } from '@beckon/template-context';
import { defineTrigger } from '../definition';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { OccasionOutcome, PendingStep } from '../sequences';
import { EntityManager } from 'typeorm';

const KIND_OF_EVENT: Record<string, BrowseActivity['kind']> = {
  'Product Viewed': 'view',
  'Product Added': 'add',
  'Order Completed': 'order',
};
export const BROWSE_EVENTS = Object.keys(KIND_OF_EVENT);

/**
 * Each customer's views, cart additions and orders from their `since` on, oldest first: one query
 * for the whole batch over the timeline's (customer_id, occurred_at) index. A visitor who signed in
 * browsed under their anonymous id, which the timeline keeps: those events are the user's too. Products are keyed as
 * the catalog keys them: product_id, else `sku:<sku>`.
 */
export async function loadBrowsing(
  db: EntityManager,
  from: ReadonlyMap<string, Date>,
): Promise<Map<string, BrowseActivity[]>> {
  const timelines = new Map<string, BrowseActivity[]>([...from.keys()].map((id) => [id, []]));
  if (from.size === 0) return timelines;
  const rows: Array<{ customer_id: string; event: string; occurred_at: Date; product_id: string | null }> =
    await db.query(
      `SELECT c.id AS customer_id, e.event, e.occurred_at,
              COALESCE(e.payload->'properties'->>'product_id', 'sku:' || (e.payload->'properties'->>'sku')) AS product_id
       FROM unnest($1::text[], $2::timestamptz[]) AS c(id, since)
       CROSS JOIN LATERAL (SELECT c.id AS id UNION ALL SELECT id FROM customers WHERE merged_into = c.id) AS owner
       JOIN customer_events e ON e.customer_id = owner.id AND e.occurred_at >= c.since
       WHERE e.event = ANY($3::text[])
       ORDER BY c.id, e.occurred_at, e.message_id`,
      [[...from.keys()], [...from.values()].map((at) => at.toISOString()), BROWSE_EVENTS],
    );
  for (const row of rows) {
    timelines.get(row.customer_id)!.push({
      kind: KIND_OF_EVENT[row.event],
      at: new Date(row.occurred_at),
      productId: row.product_id,
    });
  }
  return timelines;
}

/** When the customer last viewed a product, for previews: the start of the latest visit is before it. */
export async function lastViewAt(db: EntityManager, customerId: string): Promise<Date | null> {
  const [row]: Array<{ occurred_at: Date }> = await db.query(
    `SELECT occurred_at FROM customer_events WHERE customer_id = $1 AND event = 'Product Viewed'
     ORDER BY occurred_at DESC LIMIT 1`,
    [customerId],
  );
  return row === undefined ? null : new Date(row.occurred_at);
}

/**
 * `products` (viewed in the visit, most recent first, sold-out ones left out, up to four) and
 * `product` (the first), with the catalog's current details; null when every product sold out.
 */
export function browseTemplateData(
  visit: Visit,
  catalog: ReadonlyMap<string, CatalogProduct>,
): { products: ProductData[]; product: ProductData } | null {
  const soldOut = (id: string) => {
    const stock = catalog.get(id)?.stock;
    return stock !== null && stock !== undefined && stock <= 0;
  };
  const products = browsedProducts(visit, soldOut).map((id) =>
    productTemplateData({ product_id: id }, catalog.get(id)),
  );
  return products.length === 0 ? null : { products, product: products[0] };
}

/**
 * When each (customer, rule) last had a browse reminder go out (queued or sent) about another
 * visit than the one asking, within `horizon`: the cooldown's evidence. One query over the
 * dispatch log's customer index.
 */
export async function loadRecentReminders(
  db: EntityManager,
  customerIds: readonly string[],
  ruleIds: readonly string[],
  horizon: Date,
): Promise<Array<{ customerId: string; ruleId: string; occasion: string; at: Date }>> {
  if (customerIds.length === 0) return [];
  const rows: Array<{ customer_id: string; rule_id: string; occasion: string; at: Date }> = await db.query(
    `SELECT customer_id, rule_id::text, occasion, COALESCE(sent_at, updated_at) AS at FROM dispatches
     WHERE customer_id = ANY($1::text[]) AND rule_id = ANY($2::uuid[]) AND status IN ('queued', 'sent')
       AND COALESCE(sent_at, updated_at) > $3`,
    [[...new Set(customerIds)], [...new Set(ruleIds)], horizon.toISOString()],
  );
  return rows.map((row) => ({
    customerId: row.customer_id,
    ruleId: row.rule_id,
    occasion: row.occasion,
    at: new Date(row.at),
  }));
}

export const BROWSE_ABANDONMENT_EXAMPLE = {
  name: 'Still looking?',
  trigger: 'browse_abandonment' as const,
  params: { minViews: 2, cooldown: 'P7D' },
  steps: [
    {
      after: 'PT1H',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Still thinking about {{ product.name }}?',
        html: `<p>{{ customer.first_name }}, you were looking at:</p><ul>{% for p in products %}<li><a href="{{ p.url }}"><img src="{{ p.image_url }}" alt="">{{ p.name }}</a> {{ p.price }}</li>{% endfor %}</ul>${UNSUBSCRIBE_LINK}`,
      },
      webpush: {
        title: 'Still thinking about {{ product.name }}?',
        body: 'Have another look',
        url: '{{ product.url }}',
        icon: '{{ product.image_url }}',
      },
    },
  ],
  priority: 50,
};

/** A visit's reminder stays the same however it ends, so an end needs no rule. */
type Ended = { customerId: string; occasion: string; reason: string };

/**
 * Browse abandonment: every Product Viewed of a visit (views with no gap over 30 minutes) moves the
 * first reminder to count from it; a cart addition or order ends it. When it comes due the
 * timeline since the visit began is read again, and a reminder of the same rule within `cooldown`
 * keeps it back.
 */
export const browseAbandonment = defineTrigger({
  trigger: 'browse_abandonment',
  description:
    'Products viewed in a visit (views with no gap over 30 minutes) with no cart addition or order: step 1 counts from the last view. A cart addition during the visit or of a viewed product, or any order, ends the sequence; at most one reminder per `cooldown`. Templates see `products` (most recent first, up to 4, sold-out ones left out) and `product`.',
  params: paramsSchemas.browse_abandonment,
  example: { summary: 'Remind a visitor of the products they looked at', value: BROWSE_ABANDONMENT_EXAMPLE },

  async onFacts({ tx, rules, ports }, facts) {
    if (rules.length === 0) return;
    const earliest = new Map<string, Date>();
    const ordered = new Set<string>();
    for (const { event, customerId } of facts.events) {
      if (customerId === null || event.type !== 'track' || !BROWSE_EVENTS.includes(event.event)) continue;
      if (event.event === 'Order Completed') ordered.add(customerId);
      const seen = earliest.get(customerId);
      if (seen === undefined || event.timestamp < seen) earliest.set(customerId, event.timestamp);
    }
    if (earliest.size === 0) return;
    // Buying anything ends every browse reminder of the customer, whichever visit it is about.
    await ports.sequences.endCustomerSequences(tx, [...ordered], BROWSE_OCCASION_PREFIX, 'ordered');

    const since = new Map([...earliest].map(([id, at]) => [id, new Date(at.getTime() - VISIT_LOOKBACK_MS)]));
    const ended: Ended[] = [];
    const superseded: Array<Ended & { occasionPrefix: string; keepOccasion: string }> = [];
    const pending: PendingStep[] = [];
    for (const [customerId, activities] of await loadBrowsing(tx, since)) {
      const visit = latestVisit(activities);
      if (visit === null) continue;
      const occasion = browseOccasion(visit.start);
      const verdict = browseVerdict(activities, visit, { minViews: 1 });
      if (!verdict.remind) {
        ended.push({ customerId, occasion, reason: verdict.reason });
        continue;
      }
      const steps = rules
        .filter((rule) => visit.views >= rule.params.minViews)
        .map((rule) => ({
          ruleId: rule.id,
          customerId,
          occasion,
          step: 0,
          dueAt: addIsoDuration(visit.lastViewAt, rule.steps[0].after),
          correlationId: facts.correlations.get(customerId) ?? null,
        }));
      pending.push(...steps);
      // A later visit worth a reminder replaces an earlier one still waiting: one reminder, of what they saw last.
      if (steps.length > 0)
        superseded.push({
          customerId,
          occasion,
          occasionPrefix: BROWSE_OCCASION_PREFIX,
          keepOccasion: occasion,
          reason: 'new_visit',
        });
    }
    await ports.sequences.endOccasions(tx, ended);
    await ports.sequences.endSequences(tx, superseded);
    await ports.sequences.schedule(tx, pending, { reschedule: true });
  },

  async resolve({ tx, now, rules }, due) {
    const starts = new Map(due.map((d) => [d.id, BROWSE_OCCASION.parse(d.occasion)?.visitStart ?? null]));
    const from = new Map<string, Date>();
    for (const d of due) {
      const start = starts.get(d.id);
      const known = from.get(d.customerId);
      if (start != null && (known === undefined || start < known)) from.set(d.customerId, start);
    }
    const timelines = await loadBrowsing(tx, from);
    const visits = new Map(
      due.map((d) => {
        const start = starts.get(d.id);
        return [d.id, start == null ? null : visitStartingAt(timelines.get(d.customerId) ?? [], start)];
      }),
    );
    const catalog = await loadCatalog(
      tx,
      [...visits.values()].flatMap((visit) => visit?.products ?? []),
    );
    const firstSteps = due.filter((d) => d.step === 0);
    const longestCooldown = Math.max(
      0,
      ...firstSteps.map((d) => parseIsoDuration(rules.get(d.ruleId)!.params.cooldown) ?? 0),
    );
    const recent = await loadRecentReminders(
      tx,
      firstSteps.map((d) => d.customerId),
      firstSteps.map((d) => d.ruleId),
      new Date(now.getTime() - longestCooldown),
    );

    const outcomes = new Map<string, OccasionOutcome>();
    for (const d of due) {
      const params = rules.get(d.ruleId)!.params;
      const visit = visits.get(d.id) ?? null;
      const verdict = browseVerdict(timelines.get(d.customerId) ?? [], visit, params);
      if (!verdict.remind) {
        outcomes.set(d.id, { kind: 'end', reason: verdict.reason });
        continue;
      }
      // Later steps belong to a reminder that already went out: only a new visit's first step waits out the cooldown.
      if (d.step === 0) {
        const last = recent
          .filter((r) => r.customerId === d.customerId && r.ruleId === d.ruleId && r.occasion !== d.occasion)
          .reduce<Date | null>((latest, r) => (latest === null || r.at > latest ? r.at : latest), null);
        if (inBrowseCooldown(last, now, params.cooldown)) {
          outcomes.set(d.id, { kind: 'end', reason: 'cooldown' });
          continue;
        }
      }
      const context = browseTemplateData(visit!, catalog);
      if (context === null) outcomes.set(d.id, { kind: 'end', reason: 'sold_out' });
      else {
        outcomes.set(d.id, { kind: 'fire', context });
        // Two visits' first steps due in one batch: the second waits out the cooldown like any other.
        if (d.step === 0) recent.push({ customerId: d.customerId, ruleId: d.ruleId, occasion: d.occasion, at: now });
      }
    }
    return outcomes;
  },

  /** The customer's latest visit, as its reminder would show it now. */
  async preview(db, _rule, recipient) {
    const empty = { products: [], product: null };
    const last = await lastViewAt(db, recipient.id);
    if (last === null) return empty;
    const timelines = await loadBrowsing(db, new Map([[recipient.id, new Date(last.getTime() - VISIT_LOOKBACK_MS)]]));
    const visit = latestVisit(timelines.get(recipient.id) ?? []);
    if (visit === null) return empty;
    return browseTemplateData(visit, await loadCatalog(db, visit.products)) ?? empty;
  },
});
