import {
  abandonedCartVerdict,
  addIsoDuration,
  CART_OCCASION,
  CART_OCCASION_PREFIX,
  cartOccasion,
  paramsSchemas,
} from '@beckon/rules';
import { CART_COLUMNS, cartFromRow, CartRow, CartState } from '@beckon/persistence';
import { defineTrigger } from '../definition';
import { OccasionOutcome, PendingStep } from '../sequences';
import { cartTemplateData, loadLatestOpenCart } from './cart-context';

/** A complete rule as CONTRACT.md §4 shows it; also the body the e2e test creates. */
export const ABANDONED_CART_EXAMPLE = {
  name: 'Cart reminder',
  trigger: 'abandoned_cart' as const,
  enabled: true,
  params: { minCartValue: 0 },
  steps: [
    {
      after: 'PT1H',
      channels: ['email', 'webpush'],
      email: {
        subject: '{{ customer.first_name }}, your cart is waiting',
        html: '<p>Hello {{ customer.first_name }},</p><p>You left {{ cart.items | size }} items in your cart.</p><p><a href="{{ cart.url }}">Back to your cart</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
        text: 'Hello {{ customer.first_name }}, you left {{ cart.items | size }} items in your cart: {{ cart.url }}\nUnsubscribe: {{ unsubscribe_url }}',
      },
      webpush: { title: 'Still thinking?', body: '{{ cart.items | size }} items in your cart', url: '{{ cart.url }}' },
    },
    {
      after: 'P1D',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Your cart is about to expire',
        html: '<p>{{ customer.first_name }}, your items are still reserved.</p><p><a href="{{ cart.url }}">Complete your order</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
        text: '{{ customer.first_name }}, your items are still reserved: {{ cart.url }}\nUnsubscribe: {{ unsubscribe_url }}',
      },
      webpush: { title: 'Your cart misses you', body: 'Complete your order today', url: '{{ cart.url }}' },
    },
  ],
  priority: 100,
};

const cartIdOf = (occasion: string): string => CART_OCCASION.parse(occasion)?.cartId ?? '';

/**
 * Abandoned cart: every cart activity (re)starts the clock of the first reminder; an order or an
 * emptied cart ends the sequence; when a step comes due the cart is checked again before sending.
 */
export const abandonedCart = defineTrigger({
  trigger: 'abandoned_cart',
  description:
    'A cart left open: step 1 counts from the last cart activity; an order or an emptied cart ends the sequence. Templates see `cart`.',
  params: paramsSchemas.abandoned_cart,
  example: { summary: 'Two-step cart reminder', value: ABANDONED_CART_EXAMPLE },

  async onFacts({ tx, rules, ports }, facts) {
    const pending: PendingStep[] = [];
    const ended: Array<{ customerId: string; occasion: string; reason: string }> = [];
    for (const cart of facts.carts) {
      if (cart.status !== 'open') {
        ended.push({
          customerId: cart.customerId,
          occasion: cartOccasion(cart.id),
          reason: cart.status === 'ordered' ? 'order_completed' : 'cart_emptied',
        });
        continue;
      }
      for (const rule of rules) {
        if (cart.value < rule.params.minCartValue) continue;
        pending.push({
          ruleId: rule.id,
          customerId: cart.customerId,
          occasion: cartOccasion(cart.id),
          step: 0,
          dueAt: addIsoDuration(cart.lastActivityAt, rule.steps[0].after),
          correlationId: cart.correlationId,
        });
      }
    }
    await ports.sequences.endOccasions(tx, ended);
    // Buying anything ends every cart reminder of that customer, not only the cart that was ordered.
    await ports.sequences.endCustomerSequences(
      tx,
      [...new Set(facts.orders.map((o) => o.customerId))],
      CART_OCCASION_PREFIX,
      'order_completed',
    );
    await ports.sequences.schedule(tx, pending, {
      reschedule: true,
      reviveReasons: ['cart_emptied', 'below_min_value'],
    });
  },

  async resolve({ tx, rules }, due) {
    const cartIds = [...new Set(due.map((d) => cartIdOf(d.occasion)))];
    const existing: Array<{ id: string }> = await tx.query(`SELECT id FROM carts WHERE id = ANY($1::text[])`, [
      cartIds,
    ]);
    // Skip carts an ingestion batch holds right now; their step is looked at again on the next tick.
    const lockedRows: CartRow[] = await tx.query(
      `SELECT ${CART_COLUMNS} FROM carts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE SKIP LOCKED`,
      [cartIds],
    );
    const carts = new Map<string, CartState>(lockedRows.map((row) => [row.id, cartFromRow(row)]));
    const known = new Set(existing.map((row) => row.id));

    const outcomes = new Map<string, OccasionOutcome>();
    for (const dispatch of due) {
      const cartId = cartIdOf(dispatch.occasion);
      const cart = carts.get(cartId);
      if (cart === undefined) {
        outcomes.set(dispatch.id, known.has(cartId) ? { kind: 'postpone' } : { kind: 'end', reason: 'cart_missing' });
        continue;
      }
      const verdict = abandonedCartVerdict(
        { status: cart.status, itemCount: cart.items.length, value: cart.value, lastActivityAt: cart.lastActivityAt },
        rules.get(dispatch.ruleId)!.params,
      );
      outcomes.set(
        dispatch.id,
        verdict.remind
          ? { kind: 'fire', context: { cart: cartTemplateData(cart) } }
          : { kind: 'end', reason: verdict.reason },
      );
    }
    return outcomes;
  },

  async preview(db, _rule, recipient) {
    const cart = await loadLatestOpenCart(db, recipient.id);
    return { cart: cart === null ? null : cartTemplateData(cart) };
  },
});
