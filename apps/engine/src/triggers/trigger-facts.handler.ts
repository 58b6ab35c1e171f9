import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { applyUnsubscribes } from '@beckon/consent';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { ProjectionFacts } from '../profiles/projection-facts';
import { RuleCache } from '../rules/rule-cache';
import { AbandonedCartTrigger } from './abandoned-cart.trigger';
import { BackInStockTrigger } from './back-in-stock.trigger';
import { BirthdayTrigger } from './birthday.trigger';
import { ConsumableReorderTrigger } from './consumable-reorder.trigger';
import { SleepingCustomerTrigger } from './sleeping-customer.trigger';

/** Lets every event-driven trigger react to what a batch changed, inside the batch's transaction. */
@Injectable()
export class TriggerFactsHandler {
  constructor(
    private readonly abandonedCart: AbandonedCartTrigger,
    private readonly sleepingCustomer: SleepingCustomerTrigger,
    private readonly backInStock: BackInStockTrigger,
    private readonly consumableReorder: ConsumableReorderTrigger,
    private readonly birthday: BirthdayTrigger,
    private readonly dispatches: DispatchRepository,
    private readonly rules: RuleCache,
  ) {}

  async handle(tx: EntityManager, facts: ProjectionFacts): Promise<void> {
    const now = new Date();
    // A rule created just before these events were sent applies to them.
    await this.rules.refreshIfChanged(tx);
    await this.abandonedCart.onFacts(tx, facts);
    await this.sleepingCustomer.onFacts(tx, facts, now);
    await this.backInStock.onFacts(tx, facts, now);
    await this.consumableReorder.onFacts(tx, facts, now);
    await this.birthday.onFacts(tx, facts, now);
    // Last, so that it also ends what this batch scheduled; the rule is the unsubscribe link's (docs/consent.md).
    await applyUnsubscribes(tx, facts.unsubscribed);
  }
}
