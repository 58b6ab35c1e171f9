import { EntityManager } from 'typeorm';
import { Recipient } from './recipient';

/** Customers and their live push subscriptions for a whole batch, in two queries. */
export async function loadRecipients(
  db: EntityManager,
  customerIds: readonly string[],
): Promise<Map<string, Recipient>> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return new Map();
  const customers: Array<{
    id: string;
    email: string | null;
    first_name: string | null;
    last_name: string | null;
    locale: string | null;
    timezone: string | null;
    birthday: string | null;
    traits: Record<string, unknown>;
    email_consent: boolean;
    email_undeliverable: boolean;
    webpush_consent: boolean;
  }> = await db.query(
    `SELECT id, email, first_name, last_name, locale, timezone, to_char(birthday, 'YYYY-MM-DD') AS birthday, traits,
            email_consent, webpush_consent, email_undeliverable_at IS NOT NULL AS email_undeliverable
     FROM customers WHERE id = ANY($1::text[])`,
    [ids],
  );
  const subscriptions: Array<{
    customer_id: string;
    endpoint: string;
    p256dh: string;
    auth: string;
  }> = await db.query(
    `SELECT customer_id, endpoint, p256dh, auth FROM push_subscriptions
     WHERE customer_id = ANY($1::text[]) AND (expires_at IS NULL OR expires_at > now())`,
    [ids],
  );
  const recipients = new Map<string, Recipient>();
  for (const c of customers) {
    recipients.set(c.id, {
      id: c.id,
      email: c.email,
      firstName: c.first_name,
      lastName: c.last_name,
      locale: c.locale,
      timezone: c.timezone,
      birthday: c.birthday,
      traits: c.traits,
      emailConsent: c.email_consent,
      emailUndeliverable: c.email_undeliverable,
      webpushConsent: c.webpush_consent,
      subscriptions: [],
    });
  }
  for (const s of subscriptions) {
    recipients.get(s.customer_id)?.subscriptions.push({
      endpoint: s.endpoint,
      keys: { p256dh: s.p256dh, auth: s.auth },
    });
  }
  return recipients;
}
