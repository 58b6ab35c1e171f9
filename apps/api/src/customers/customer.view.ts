import type { CartEntity, CartItem, CustomerEntity, PushSubscriptionEntity } from '@beckon/persistence';
import type { CareSignal } from '@beckon/rules';
import type { DispatchView } from '../dispatches/dispatch.view';

/** Profile fields keep the snake_case names of the Segment traits, as templates see them (`customer.first_name`). */
export interface CustomerProfileView {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  birthday: string | null;
  timezone: string | null;
  locale: string | null;
  traits: Record<string, unknown>;
  last_seen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface PushSubscriptionView {
  origin: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Set after a hard bounce: no email goes to `profile.email` until the customer identifies with another address. */
export interface EmailUndeliverableView {
  since: Date;
  /** The SMTP server's answer, e.g. `550 5.1.1 no such user`. */
  reason: string | null;
}

/** While the customer is in care (CONTRACT §8): marketing is held back until `until`. */
export interface CareView {
  until: Date;
  signal: CareSignal;
}

export interface OpenCartView {
  id: string;
  items: CartItem[];
  value: number;
  currency: string | null;
  lastActivityAt: Date;
}

export interface CustomerOverview {
  /** The customer answered for. */
  id: string;
  /** The id asked for; differs from `id` when it named an anonymous profile merged into a user. */
  requestedId: string;
  /** Set when `requestedId` was merged: the profile it was merged into, i.e. `id`. */
  mergedInto: string | null;
  profile: CustomerProfileView;
  consent: { email: boolean; webpush: boolean };
  emailUndeliverable: EmailUndeliverableView | null;
  /** null while the customer is not in care. */
  care: CareView | null;
  pushSubscriptions: PushSubscriptionView[];
  openCarts: OpenCartView[];
  pendingDispatches: DispatchView[];
  recentDispatches: DispatchView[];
}

export function toProfileView(customer: CustomerEntity): CustomerProfileView {
  return {
    id: customer.id,
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    birthday: customer.birthday,
    timezone: customer.timezone,
    locale: customer.locale,
    traits: customer.traits,
    last_seen_at: customer.lastSeenAt,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
  };
}

export function toEmailUndeliverableView(customer: CustomerEntity): EmailUndeliverableView | null {
  if (customer.emailUndeliverableAt === null) return null;
  return { since: customer.emailUndeliverableAt, reason: customer.emailUndeliverableReason };
}

/**
 * Only the push service's origin: the full endpoint URL is a capability (whoever has it and the
 * keys can push to the browser), so neither leaves the database.
 */
export function toPushSubscriptionView(subscription: PushSubscriptionEntity): PushSubscriptionView {
  let origin: string;
  try {
    origin = new URL(subscription.endpoint).origin;
  } catch {
    origin = 'invalid endpoint';
  }
  return { origin, createdAt: subscription.createdAt, expiresAt: subscription.expiresAt };
}

export function toOpenCartView(cart: CartEntity): OpenCartView {
  return {
    id: cart.id,
    items: cart.items,
    value: cart.value,
    currency: cart.currency,
    lastActivityAt: cart.lastActivityAt,
  };
}
