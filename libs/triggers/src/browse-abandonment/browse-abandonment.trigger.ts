import {
  addIsoDuration,
  BROWSE_OCCASION,
  BROWSE_OCCASION_PREFIX,
  browseOccasion,
  browseVerdict,
  inBrowseCooldown,
  latestVisit,
  paramsSchemas,
  parseIsoDuration,
  VISIT_LOOKBACK_MS,
  visitStartingAt,
} from '@beckon/rules';
import { loadCatalog } from '@beckon/template-context';
import { defineTrigger } from '../definition';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { OccasionOutcome, PendingStep } from '../sequences';
import { BROWSE_EVENTS, browseTemplateData, lastViewAt, loadBrowsing, loadRecentReminders } from './browse-context';

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
