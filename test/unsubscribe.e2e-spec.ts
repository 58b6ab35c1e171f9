import { DataSource } from 'typeorm';
import { applyUnsubscribes, createUnsubscribeToken } from '../libs/consent/src';
import { dataSourceOptions } from '../libs/persistence/src/data-source';
import { createRule, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';
import { createTestDatabase, dropTestDatabase } from './support/test-env';

interface CustomerState {
  consent: { email: boolean; webpush: boolean };
  dispatches: Array<{ status: string; reason: string | null; channel: string | null }>;
}

type Rows = (sql: string, params: unknown[]) => Promise<any[]>;

async function stateOf(rows: Rows, customerId: string): Promise<CustomerState> {
  const [consent] = await rows(
    'SELECT email_consent AS email, webpush_consent AS webpush FROM customers WHERE id = $1',
    [customerId],
  );
  const dispatches = await rows(
    'SELECT status, reason, channel FROM dispatches WHERE customer_id = $1 ORDER BY dispatch_key',
    [customerId],
  );
  return { consent, dispatches };
}

/**
 * The one unsubscribe rule (docs/consent.md), by both ways in: a signed link on the API and an
 * `Unsubscribed` event through Kafka into the engine. Opting out of every channel ends the open
 * sequences at once; opting out of one leaves them running, and that channel is never chosen again.
 */
describe('unsubscribe, by link and by event, end to end', () => {
  let stack: Stack;
  let ruleId: string;

  const unsubscribeEvent = (userId: string, channel?: 'email' | 'webpush') =>
    track({ userId }, 'Unsubscribed', channel === undefined ? {} : { channel });
  const clickLink = async (customerId: string, channel: 'email' | 'webpush' | 'all') => {
    const token = createUnsubscribeToken({ customerId, channel }, stack.config.UNSUBSCRIBE_SECRET!);
    const reply = await fetch(`${stack.apiUrl}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(reply.status).toBe(200);
  };
  const state = (customerId: string) =>
    stateOf(async (sql, params) => (await stack.db.query(sql, params)).rows, customerId);
  const consentBecomes = (customerId: string, consent: CustomerState['consent']) =>
    eventually(
      async () => JSON.stringify((await state(customerId)).consent) === JSON.stringify(consent),
      20000,
      `${customerId}'s consent`,
    );
  const SCHEDULED = [{ status: 'scheduled', reason: null, channel: null }];
  const ENDED = [{ status: 'suppressed', reason: 'unsubscribed', channel: null }];

  /** Customers with an email address and a cart whose reminder is an hour away. */
  async function withPendingReminder(...userIds: string[]): Promise<void> {
    await stack.produce(
      userIds.flatMap((userId) => [
        identify({ userId }, { email: `${userId}@example.com` }),
        track({ userId }, 'Product Added', { cart_id: `cart-${userId}`, ...product('beans', 12) }),
      ]),
    );
    for (const userId of userIds) {
      await eventually(async () => (await state(userId)).dispatches.length === 1, 20000, `${userId}'s reminder`);
    }
  }

  beforeAll(async () => {
    stack = await startStack('unsubscribe');
    ({ id: ruleId } = await createRule(stack, {
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      steps: [
        {
          after: 'PT1H',
          channels: ['email', 'webpush'],
          email: { subject: 'Your cart', text: '{{ cart.item_count }} items. {{ unsubscribe_url }}' },
          webpush: { title: 'Your cart', body: '{{ cart.item_count }} items' },
        },
      ],
    }));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('ends the open sequences of a customer who opts out of everything by event', async () => {
    await withPendingReminder('event-all');
    await stack.produce([unsubscribeEvent('event-all')]);
    await consentBecomes('event-all', { email: false, webpush: false });
    expect((await state('event-all')).dispatches).toEqual(ENDED);
  });

  it('lets sequences run after one channel, and ends them when the last channel goes (events)', async () => {
    await withPendingReminder('event-one-by-one');
    await stack.produce([unsubscribeEvent('event-one-by-one', 'email')]);
    await consentBecomes('event-one-by-one', { email: false, webpush: true });
    expect((await state('event-one-by-one')).dispatches).toEqual(SCHEDULED);

    await stack.produce([unsubscribeEvent('event-one-by-one', 'webpush')]);
    await consentBecomes('event-one-by-one', { email: false, webpush: false });
    expect((await state('event-one-by-one')).dispatches).toEqual(ENDED);
  });

  it('follows the same rule for a link: an email link ends nothing, an event for the other channel then ends all', async () => {
    await withPendingReminder('link-then-event');
    await clickLink('link-then-event', 'email');
    expect(await state('link-then-event')).toEqual({ consent: { email: false, webpush: true }, dispatches: SCHEDULED });

    await stack.produce([unsubscribeEvent('link-then-event', 'webpush')]);
    await consentBecomes('link-then-event', { email: false, webpush: false });
    expect((await state('link-then-event')).dispatches).toEqual(ENDED);
  });

  it('ends the sequences at once for an all-channel link', async () => {
    await withPendingReminder('link-all');
    await clickLink('link-all', 'all');
    expect(await state('link-all')).toEqual({ consent: { email: false, webpush: false }, dispatches: ENDED });
  });

  it('never chooses a withdrawn channel: the step goes out on the next one, or is suppressed naming why', async () => {
    const subscription = stack.push.subscribe('push-fallback');
    await stack.produce([
      track({ userId: 'push-fallback' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
        expiration_time: null,
      }),
    ]);
    await withPendingReminder('push-fallback', 'email-only');
    await stack.produce([unsubscribeEvent('push-fallback', 'email'), unsubscribeEvent('email-only', 'email')]);
    await consentBecomes('push-fallback', { email: false, webpush: true });
    await consentBecomes('email-only', { email: false, webpush: true });

    // The hour is not waited out: the reminders come due now.
    await stack.db.query(`UPDATE dispatches SET due_at = now() WHERE rule_id = $1 AND status = 'scheduled'`, [ruleId]);
    await stack.push.waitFor((push) => push.endpoint === subscription.endpoint, 30000);
    await eventually(async () => (await state('email-only')).dispatches[0].status === 'suppressed', 20000, 'fired');
    expect((await state('email-only')).dispatches).toEqual([
      { status: 'suppressed', reason: 'email:unsubscribed,webpush:no_subscription', channel: null },
    ]);
    expect((await state('push-fallback')).dispatches).toEqual([
      { status: expect.stringMatching(/^(queued|sent)$/), reason: null, channel: 'webpush' },
    ]);
    expect(stack.smtp.messages.filter((mail) => /push-fallback|email-only/.test(mail.envelope.to.join()))).toEqual([]);
  });
});

/** The operation itself on PostgreSQL, for what the two paths above cannot pin down. */
describe('applyUnsubscribes', () => {
  let databaseUrl: string;
  let db: DataSource;
  const inDb: Rows = (sql, params) => db.query(sql, params);

  const seed = async (id: string, mergedInto: string | null = null) => {
    await db.query(`INSERT INTO customers (id, email, merged_into) VALUES ($1, $2, $3)`, [
      id,
      `${id}@example.com`,
      mergedInto,
    ]);
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, due_at) VALUES
       ($1 || '|0', gen_random_uuid(), $1, 'cart-1', 0, 'email', 'sent', NULL),
       ($1 || '|1', gen_random_uuid(), $1, 'cart-1', 1, NULL, 'scheduled', now() + interval '1 day'),
       ($1 || '|2', gen_random_uuid(), $1, 'cart-2', 0, NULL, 'deferred', now() + interval '2 hours')`,
      [id],
    );
  };
  const SENT_THEN_ENDED = [
    { status: 'sent', reason: null, channel: 'email' },
    { status: 'suppressed', reason: 'unsubscribed', channel: null },
    { status: 'suppressed', reason: 'unsubscribed', channel: null },
  ];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('apply_unsubscribes');
    db = await new DataSource(dataSourceOptions(databaseUrl, 2)).initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    if (databaseUrl !== undefined) await dropTestDatabase(databaseUrl);
  });

  it('applies both single-channel opt-outs of one batch, and so ends the sequences', async () => {
    await seed('both-in-one-batch');
    await db.transaction((tx) =>
      applyUnsubscribes(tx, [
        { customerId: 'both-in-one-batch', channel: 'email' },
        { customerId: 'both-in-one-batch', channel: 'webpush' },
      ]),
    );
    expect(await stateOf(inDb, 'both-in-one-batch')).toEqual({
      consent: { email: false, webpush: false },
      dispatches: SENT_THEN_ENDED,
    });
  });

  it('binds the user an anonymous visitor became, and ends the user’s sequences', async () => {
    await seed('user-m');
    await db.query(`INSERT INTO customers (id, merged_into) VALUES ('anon:m', 'user-m')`);
    await db.transaction((tx) => applyUnsubscribes(tx, [{ customerId: 'anon:m', channel: 'all' }]));
    expect(await stateOf(inDb, 'user-m')).toEqual({
      consent: { email: false, webpush: false },
      dispatches: SENT_THEN_ENDED,
    });
    expect((await stateOf(inDb, 'anon:m')).consent).toEqual({ email: false, webpush: false });
  });

  it('changes nothing for a customer it does not know, or a second time', async () => {
    await seed('twice');
    const once = [
      { customerId: 'twice', channel: 'webpush' as const },
      { customerId: 'nobody', channel: 'all' as const },
    ];
    await db.transaction((tx) => applyUnsubscribes(tx, once));
    await db.transaction((tx) => applyUnsubscribes(tx, once));
    const twice = await stateOf(inDb, 'twice');
    expect(twice.consent).toEqual({ email: true, webpush: false });
    expect(twice.dispatches.map((d) => d.status)).toEqual(['sent', 'scheduled', 'deferred']);
    expect(await db.query(`SELECT 1 FROM customers WHERE id = 'nobody'`)).toEqual([]);
  });
});
