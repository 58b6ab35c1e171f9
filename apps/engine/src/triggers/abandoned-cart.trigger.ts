import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { abandonedCartVerdict, addIsoDuration, Rule, RuleParams } from '@beckon/rules';
import { cartTemplateData } from '@beckon/template-context';
import { DispatchRepository, DueDispatch, PendingStep } from '../dispatch/dispatch.repository';
import { cartFromRow } from '../profiles/cart.repository';
import { CartState } from '../profiles/cart-state';
import { ProjectionFacts } from '../profiles/projection-facts';
import { RuleCache } from '../rules/rule-cache';
import { OccasionOutcome, OccasionResolver } from './occasion-resolver';

export const CART_OCCASION_PREFIX = 'cart:';
export const cartOccasion = (cartId: string): string => `${CART_OCCASION_PREFIX}${cartId}`;

/**
 * Abandoned cart: every cart activity (re)starts the clock of the first reminder; an order or an
 * emptied cart ends the sequence; when a step comes due the cart is checked again before sending.
 */
@Injectable()
export class AbandonedCartTrigger implements OccasionResolver {
  readonly trigger = 'abandoned_cart' as const;

  constructor(
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
  ) {}

  async onFacts(tx: EntityManager, facts: ProjectionFacts): Promise<void> {
    const rules = await this.rules.enabledFor('abandoned_cart', tx);
    const pending: PendingStep[] = [];
    const ended: Array<{
      customerId: string;
      occasion: string;
      reason: string;
    }> = [];
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
        const params = rule.params as RuleParams<'abandoned_cart'>;
        if (cart.value < params.minCartValue) continue;
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
    await this.dispatches.endOccasions(tx, ended);
    // Buying anything ends every cart reminder of that customer, not only the cart that was ordered.
    await this.dispatches.endCustomerSequences(
      tx,
      [...new Set(facts.orders.map((o) => o.customerId))],
      CART_OCCASION_PREFIX,
      'order_completed',
    );
    await this.dispatches.schedule(tx, pending, {
      reschedule: true,
      reviveReasons: ['cart_emptied', 'below_min_value'],
    });
  }

  async resolve(
    tx: EntityManager,
    due: readonly DueDispatch[],
    rules: ReadonlyMap<string, Rule>,
  ): Promise<Map<string, OccasionOutcome>> {
    const cartIds = [...new Set(due.map((d) => d.occasion.slice(CART_OCCASION_PREFIX.length)))];
    const existing: Array<{ id: string }> = await tx.query(`SELECT id FROM carts WHERE id = ANY($1::text[])`, [
      cartIds,
    ]);
    // Skip carts an ingestion batch holds right now; their step is looked at again on the next tick.
    const lockedRows = await tx.query(
      `SELECT id, customer_id, items, value, currency, status, last_activity_at FROM carts
       WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE SKIP LOCKED`,
      [cartIds],
    );
    const carts = new Map<string, CartState>(
      lockedRows.map((row: Parameters<typeof cartFromRow>[0]) => [row.id, cartFromRow(row)]),
    );
    const known = new Set(existing.map((row) => row.id));

    const outcomes = new Map<string, OccasionOutcome>();
    for (const dispatch of due) {
      const cartId = dispatch.occasion.slice(CART_OCCASION_PREFIX.length);
      const cart = carts.get(cartId);
      if (cart === undefined) {
        outcomes.set(dispatch.id, known.has(cartId) ? { kind: 'postpone' } : { kind: 'end', reason: 'cart_missing' });
        continue;
      }
      const rule = rules.get(dispatch.ruleId)!;
      const verdict = abandonedCartVerdict(
        {
          status: cart.status,
          itemCount: cart.items.length,
          value: cart.value,
          lastActivityAt: cart.lastActivityAt,
        },
        rule.params as RuleParams<'abandoned_cart'>,
      );
      outcomes.set(
        dispatch.id,
        verdict.remind
          ? { kind: 'fire', context: { cart: cartTemplateData(cart) } }
          : { kind: 'end', reason: verdict.reason },
      );
    }
    return outcomes;
  }
}
