import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import {
  CartEntity,
  CustomerEntity,
  loadCapSettings,
  loadCustomerCare,
  PushSubscriptionEntity,
} from '@beckon/persistence';
import { careReason } from '@beckon/rules';
import { dispatchColumns, DispatchRow, toDispatchView } from '../dispatches/dispatch.view';
import {
  CareView,
  CustomerOverview,
  toEmailUndeliverableView,
  toOpenCartView,
  toProfileView,
  toPushSubscriptionView,
} from './customer.view';

const RECENT_DISPATCHES = 20;
const PENDING_DISPATCHES = 100;
/** Merges form chains only by mistake; a bound keeps a cycle from looping forever. */
const MAX_MERGE_HOPS = 5;

@Injectable()
export class CustomerOverviewService {
  constructor(
    private readonly db: DataSource,
    @InjectRepository(CustomerEntity) private readonly customers: Repository<CustomerEntity>,
    @InjectRepository(PushSubscriptionEntity) private readonly subscriptions: Repository<PushSubscriptionEntity>,
    @InjectRepository(CartEntity) private readonly carts: Repository<CartEntity>,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
  ) {}

  async overview(requestedId: string): Promise<CustomerOverview> {
    const customer = await this.resolve(requestedId);
    // Rows still filed under the anonymous id belong to the same person, so they are shown too.
    const ids = [...new Set([customer.id, requestedId])];
    const [subscriptions, carts, pending, recent, care] = await Promise.all([
      this.subscriptions.find({ where: { customerId: In(ids) }, order: { createdAt: 'DESC' } }),
      this.carts.find({ where: { customerId: In(ids), status: 'open' }, order: { lastActivityAt: 'DESC' } }),
      this.dispatches(ids, `status IN ('scheduled', 'deferred')`, 'due_at ASC NULLS LAST, id', PENDING_DISPATCHES),
      this.dispatches(ids, 'TRUE', 'created_at DESC, id DESC', RECENT_DISPATCHES),
      this.care(customer.id),
    ]);
    return {
      id: customer.id,
      requestedId,
      mergedInto: customer.id === requestedId ? null : customer.id,
      profile: toProfileView(customer),
      consent: { email: customer.emailConsent, webpush: customer.webpushConsent },
      emailUndeliverable: toEmailUndeliverableView(customer),
      care,
      pushSubscriptions: subscriptions.map(toPushSubscriptionView),
      openCarts: carts.map(toOpenCartView),
      pendingDispatches: pending.map(toDispatchView),
      recentDispatches: recent.map(toDispatchView),
    };
  }

  /** The care window the customer is in, judged as the engine judges it (the settings may have turned the signal off). */
  private async care(customerId: string): Promise<CareView | null> {
    const now = new Date();
    const [care, settings] = await Promise.all([
      loadCustomerCare(this.db, [customerId], now),
      loadCapSettings(this.db, this.config.DEFAULT_TIMEZONE),
    ]);
    const customerCare = care.get(customerId);
    return customerCare !== undefined && careReason(customerCare, settings.care, now) !== null
      ? { until: customerCare.until, signal: customerCare.signal }
      : null;
  }

  /** Follows merged_into from an anonymous profile to the user it became. */
  private async resolve(id: string): Promise<CustomerEntity> {
    let customer = await this.customers.findOneBy({ id });
    if (customer === null) throw new NotFoundException(`customer ${id} not found`);
    for (let hop = 0; hop < MAX_MERGE_HOPS && customer.mergedInto !== null; hop++) {
      const target: CustomerEntity | null = await this.customers.findOneBy({ id: customer.mergedInto });
      if (target === null) break;
      customer = target;
    }
    return customer;
  }

  private dispatches(ids: string[], condition: string, order: string, limit: number): Promise<DispatchRow[]> {
    return this.db.query(
      `SELECT ${dispatchColumns('d')} FROM dispatches d
        WHERE d.customer_id = ANY($1) AND ${condition}
        ORDER BY ${order} LIMIT $2`,
      [ids, limit],
    );
  }
}
