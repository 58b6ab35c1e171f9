import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { customerIdOf, isAnonymousCustomerId, StorefrontEvent } from '@beckon/events';
import { ConversionRepository } from '../attribution/conversion.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { productKey } from '../catalog/catalog-records';
import { StockRequestRepository } from '../catalog/stock-request.repository';
import { AfterPurchaseRepository } from './after-purchase.repository';
import { applyCartChange, CartState, emptyCart } from './cart-state';
import { BatchCorrelations } from './batch-correlations';
import { CartRepository } from './cart.repository';
import { CommerceRepository } from './commerce.repository';
import { CustomerRepository } from './customer.repository';
import { mergesIn, ownerOf } from './event-routing';
import { planProjection } from './projection-plan';
import { NO_FACTS, ProjectionFacts } from '@beckon/triggers';
import { TimelineRepository } from './timeline.repository';

export interface IncomingEvent {
  event: StorefrontEvent;
  raw: string;
  /** The producer's x-correlation-id header, else the messageId. */
  correlationId: string;
}

/** Projects a batch of validated events into customer state: a fixed handful of statements per batch. */
@Injectable()
export class ProfileProjector {
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly customers: CustomerRepository,
    private readonly carts: CartRepository,
    private readonly commerce: CommerceRepository,
    private readonly catalog: CatalogRepository,
    private readonly stockRequests: StockRequestRepository,
    private readonly conversions: ConversionRepository,
    private readonly afterPurchase: AfterPurchaseRepository,
  ) {}

  async project(tx: EntityManager, incoming: readonly IncomingEvent[]): Promise<ProjectionFacts> {
    const batchMerges = mergesIn(incoming.map((i) => i.event));
    // Only anonymous profiles are ever merged into another, so only their ids need the lookup.
    const ids = [
      ...new Set(
        incoming
          .map((i) => customerIdOf(i.event))
          .filter((id): id is string => id !== null && isAnonymousCustomerId(id)),
      ),
    ];
    const aliases = new Map([...(await this.customers.mergedAliases(tx, ids)), ...batchMerges]);

    const fresh = await this.timeline.appendNew(
      tx,
      incoming.map((i) => ({
        event: i.event,
        raw: i.raw,
        customerId: ownerOf(i.event, aliases),
      })),
    );
    const events = incoming.map((i) => i.event).filter((event) => fresh.has(event.messageId));
    if (events.length === 0) return NO_FACTS;
    const correlations = new BatchCorrelations(incoming, fresh, aliases);

    const plan = planProjection(events, aliases);
    await this.customers.upsert(tx, plan.customers);
    // The user row exists now, so an anonymous visitor's belongings can move to it.
    await this.customers.merge(tx, mergesIn(events));

    const locked = await this.carts.lock(tx, [...plan.cartChanges.keys()]);
    const carts: ProjectionFacts['carts'] = [];
    for (const [cartId, { customerId, changes }] of plan.cartChanges) {
      let cart: CartState = locked.get(cartId) ?? emptyCart(cartId, customerId, changes[0].at);
      cart = { ...cart, customerId };
      for (const { change, at } of changes) cart = applyCartChange(cart, change, at);
      carts.push({
        ...cart,
        correlationId: correlations.ofMessage(changes[changes.length - 1].messageId),
      });
    }
    await this.carts.upsert(tx, carts);
    const newOrders = await this.commerce.insertOrders(tx, plan.orders);
    // After the merge above: a visitor who signed in within this batch is already the user's, messages and all.
    await this.conversions.attribute(tx, newOrders);
    const orderHistories = await this.customers.recordOrders(tx, newOrders);
    const reorderClocks = await this.commerce.restartReorderClocks(tx, newOrders);
    await this.afterPurchase.project(
      tx,
      events.map((event) => ({ event, customerId: ownerOf(event, aliases) })),
    );
    await this.commerce.upsertSubscriptions(tx, plan.subscriptions);
    await this.commerce.removeSubscriptions(tx, plan.removedEndpoints);

    await this.catalog.upsertDetails(tx, [...plan.catalog.values()]);
    const restocked = await this.catalog.applyStock(tx, plan.stockUpdates);
    const opened = await this.stockRequests.open(tx, plan.stockRequests);
    const inStock = await this.catalog.inStock(
      tx,
      opened.map((r) => r.productId),
    );
    const purchasedRequests = await this.stockRequests.closePurchased(
      tx,
      newOrders.flatMap((o) =>
        o.products.flatMap((line) => {
          const productId = productKey(line);
          return productId === null ? [] : [{ customerId: o.customerId, productId }];
        }),
      ),
    );

    return {
      fresh,
      events: events.map((event) => ({ event, customerId: ownerOf(event, aliases) })),
      correlations: correlations.byCustomer,
      carts,
      orders: plan.orders.map((o) => ({
        orderId: o.orderId,
        customerId: o.customerId,
        cartId: o.cartId ?? '',
        placedAt: o.placedAt,
      })),
      unsubscribed: plan.optOuts,
      orderHistories,
      reorderClocks,
      stockRequests: opened.map((r) => ({ ...r, inStock: inStock.has(r.productId) })),
      purchasedRequests,
      restocked,
      birthdayChanges: plan.birthdayChanges,
    };
  }
}
