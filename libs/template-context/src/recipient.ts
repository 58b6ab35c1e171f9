import { PushSubscriptionKeys } from '@beckon/contracts';
import { Channel, ChannelReach } from '@beckon/rules';

/** What the engine knows about where and whether a customer may be reached. */
export interface Recipient {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  timezone: string | null;
  /** YYYY-MM-DD */
  birthday: string | null;
  traits: Record<string, unknown>;
  emailConsent: boolean;
  /** The address hard-bounced (customers.email_undeliverable_at): as good as none. */
  emailUndeliverable: boolean;
  webpushConsent: boolean;
  subscriptions: PushSubscriptionKeys[];
}

export function customerTemplateData(recipient: Recipient): Record<string, unknown> {
  return {
    ...recipient.traits,
    id: recipient.id,
    email: recipient.email,
    first_name: recipient.firstName,
    last_name: recipient.lastName,
    locale: recipient.locale,
    timezone: recipient.timezone,
    birthday: recipient.birthday,
  };
}

/** Everything a step's templates can use: the trigger's data, the customer, and the unsubscribe link. */
export function messageData(
  context: Record<string, unknown>,
  recipient: Recipient,
  unsubscribeUrl: string,
): Record<string, unknown> {
  return { ...context, customer: customerTemplateData(recipient), unsubscribe_url: unsubscribeUrl };
}

/** Whether each channel can reach the customer at all, and whether they let it. */
export function reachOf(recipient: Recipient): Record<Channel, ChannelReach> {
  return {
    email: {
      reachable: recipient.email !== null && !recipient.emailUndeliverable,
      // An address that hard-bounced is as good as none, but ops should see which it was.
      unreachableReason: recipient.email !== null ? 'undeliverable' : undefined,
      consented: recipient.emailConsent,
    },
    webpush: { reachable: recipient.subscriptions.length > 0, consented: recipient.webpushConsent },
  };
}
