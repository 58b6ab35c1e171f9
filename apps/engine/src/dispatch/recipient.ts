import { PushSubscriptionKeys } from '@beckon/contracts';

/** What the engine knows about where and whether a customer may be reached. */
export interface Recipient {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  timezone: string | null;
  traits: Record<string, unknown>;
  emailConsent: boolean;
  /** The address hard-bounced (see customers.email_undeliverable_at): as good as none. */
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
  };
}
