import { INestApplication } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CapLedgerRepository } from '../apps/engine/src/capping/cap-ledger.repository';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { RuleCache } from '../apps/engine/src/rules/rule-cache';
import { topicNames } from '../libs/contracts/src';
import { dataSourceOptions } from '../libs/persistence/src/data-source';
import { PushEndpoint } from './support/push-endpoint';
import { SmtpSink } from './support/smtp-sink';
import { startStack, Stack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

const MARKETER = 'test-marketer-key';
const OPS = 'test-ops-key';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface DispatchView {
  id: string;
  ruleId: string;
  customerId: string;
  channel: string | null;
  status: string;
  reason: string | null;
  dueAt: string | null;
}

const emailStep = (after: string, subject: string, channels = ['email']) => ({
  after,
  channels,
  email: { subject, text: `${subject}: {{ cart.item_count }} items. Unsubscribe: {{ unsubscribe_url }}` },
  ...(channels.includes('webpush') ? { webpush: { title: subject, body: '{{ cart.item_count }} items' } } : {}),
});

/** The local HH:MM of an instant in a zone, as quiet hours are written. */
const localHhmm = (instant: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    instant,
  );

/**
 * Caps and quiet hours on the real stack: events through Kafka into the engine, rules and caps over
 * REST, email through the email service to a real SMTP server and push through the web-push service.
 */
describe('frequency caps and quiet hours, end to end', () => {
  let stack: Stack;
  let api: string;
  let smtp: SmtpSink;
  let push: PushEndpoint;
  let db: Client;

  const v1 = async (path: string, init: { method?: string; body?: unknown; key?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.key !== null) headers['x-api-key'] = init.key ?? MARKETER;
    const response = await fetch(`${api}/v1${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, json: (text === '' ? undefined : JSON.parse(text)) as any };
  };

  const putCaps = async (caps: unknown) => {
    const reply = await v1('/caps', { method: 'PUT', body: caps });
    expect(reply.status).toBe(200);
  };

  const createRule = async (name: string, steps: unknown[], extra: Record<string, unknown> = {}) => {
    const reply = await v1('/rules', {
      method: 'POST',
      body: { name, trigger: 'abandoned_cart', params: { minCartValue: 0 }, steps, ...extra },
    });
    expect(reply.status).toBe(201);
    return reply.json.id as string;
  };

  const dispatchOf = (
    ruleId: string,
    customerId: string,
    settled: (d: DispatchView) => boolean,
    what: string,
    timeoutMs = 30000,
  ) =>
    eventually(
      async () => {
        const reply = await v1(`/dispatches?ruleId=${ruleId}&customerId=${encodeURIComponent(customerId)}`, {
          key: OPS,
        });
        const found = (reply.json.items as DispatchView[]).find(settled);
        return found;
      },
      timeoutMs,
      what,
    );

  // The engine refreshes its rule cache every RuleCache.TTL_MS; a cart seen before that misses new rules.
  const engineSeesRules = () => sleep(RuleCache.TTL_MS + 300);

  const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelope.to.includes(address));

  beforeAll(async () => {
    stack = await startStack('caps', { DEFAULT_TIMEZONE: 'Europe/Berlin' });
    ({ db, smtp, push } = stack);
    api = stack.apiUrl;
  });

  afterAll(async () => {
    await stack?.close();
  });

  // Rules apply to every cart: each test removes its own so the next one starts from none.
  afterEach(async () => {
    const rules = await v1('/rules');
    for (const rule of rules.json.items as Array<{ id: string }>) await v1(`/rules/${rule.id}`, { method: 'DELETE' });
  });

  describe('GET/PUT /v1/caps', () => {
    // The care window came with the caps (CONTRACT §8; test/care-window.e2e-spec.ts tests it).
    const care = { window: 'P14D', signals: ['detractor', 'refund', 'cancellation', 'complaint', 'low_review'] };
    const valid = {
      rules: [
        { channel: 'email', max: 2, per: 'PT12H' },
        { channel: 'any', max: 4, per: 'P1W' },
      ],
      quietHours: { start: '22:00', end: '07:30' },
      defaultTimezone: 'America/New_York',
      care,
    };

    it('answers the documented defaults until caps are set, with DEFAULT_TIMEZONE', async () => {
      await db.query('DELETE FROM cap_settings');
      const reply = await v1('/caps', { key: OPS });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        rules: [
          { channel: 'email', max: 1, per: 'PT16H' },
          { channel: 'email', max: 3, per: 'P7D' },
          { channel: 'webpush', max: 1, per: 'P1D' },
          { channel: 'webpush', max: 3, per: 'P7D' },
          { channel: 'any', max: 5, per: 'P7D' },
        ],
        quietHours: { start: '21:00', end: '09:00' },
        defaultTimezone: 'Europe/Berlin',
        care,
      });
    });

    it('lets a marketer replace them and ops read them', async () => {
      const put = await v1('/caps', { method: 'PUT', body: valid });
      expect(put).toEqual({ status: 200, json: valid });
      expect(await v1('/caps', { key: OPS })).toEqual({ status: 200, json: valid });
      const off = { rules: [], quietHours: null, defaultTimezone: 'UTC', care };
      expect((await v1('/caps', { method: 'PUT', body: off })).json).toEqual(off);
      expect((await v1('/caps')).json).toEqual(off);
    });

    it('refuses ops (403) and callers without a key (401), and changes nothing', async () => {
      await putCaps(valid);
      const forbidden = await v1('/caps', { method: 'PUT', key: OPS, body: { ...valid, rules: [] } });
      expect(forbidden.status).toBe(403);
      expect(forbidden.json).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
      expect((await v1('/caps', { key: null })).status).toBe(401);
      expect((await v1('/caps')).json).toEqual(valid);
    });

    it('answers 400 with one message per wrong field', async () => {
      const reply = await v1('/caps', {
        method: 'PUT',
        body: {
          rules: [
            { channel: 'sms', max: 0, per: 'PT30M' },
            { channel: 'email', max: 1.5, per: 'P1DT12H' },
          ],
          quietHours: { start: '25:00', end: '9:00' },
          defaultTimezone: 'Mars/Olympus_Mons',
          extra: true,
        },
      });
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('Bad Request');
      const fields = (reply.json.errors as Array<{ field: string }>).map((e) => e.field).sort();
      expect(fields).toEqual([
        'defaultTimezone',
        'extra',
        'quietHours.end',
        'quietHours.start',
        'rules.0.channel',
        'rules.0.max',
        'rules.0.per',
        'rules.1.max',
        'rules.1.per',
      ]);
      expect(reply.json.message).toEqual(
        expect.arrayContaining([expect.stringMatching(/^rules\.0\.per: must be whole hours/)]),
      );

      const missing = await v1('/caps', { method: 'PUT', body: { rules: [] } });
      expect(missing.status).toBe(400);
      expect((missing.json.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual([
        'defaultTimezone',
        'quietHours',
      ]);
      const emptyWindow = await v1('/caps', {
        method: 'PUT',
        body: { ...valid, quietHours: { start: '08:00', end: '08:00' } },
      });
      expect(emptyWindow.json.errors).toEqual([{ field: 'quietHours.end', message: expect.stringMatching(/differ/) }]);
      expect((await v1('/caps')).json).toEqual(valid);
    });

    it('is described in the OpenAPI document with an example', async () => {
      const document = (await (await fetch(`${api}/docs-json`)).json()) as any;
      const put = document.paths['/v1/caps'].put;
      expect(put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CapSettings' });
      expect(put.requestBody.content['application/json'].examples.contract.value.rules).toHaveLength(4);
      expect(put.responses['400']).toBeDefined();
      expect(document.paths['/v1/caps'].get.responses['200']).toBeDefined();
      expect(document.components.schemas.CapSettings.required.sort()).toEqual([
        'defaultTimezone',
        'quietHours',
        'rules',
      ]);
      expect(document.components.schemas.RuleInput.oneOf[0].properties.caps).toBeDefined();
    });
  });

  describe('rules opt out of caps and quiet hours', () => {
    it('stores, shows and validates caps.exempt and quietHours', async () => {
      const id = await createRule('Service message', [emailStep('PT1H', 'Hi')], {
        caps: { exempt: true },
        quietHours: null,
      });
      expect((await v1(`/rules/${id}`)).json).toMatchObject({ caps: { exempt: true }, quietHours: null });
      const patched = await v1(`/rules/${id}`, {
        method: 'PATCH',
        body: { quietHours: { start: '20:00', end: '08:00' } },
      });
      expect(patched.json).toMatchObject({ caps: { exempt: true }, quietHours: { start: '20:00', end: '08:00' } });
      // "global" drops the override (null would mean no quiet hours at all): shown and stored as absent.
      const reset = await v1(`/rules/${id}`, { method: 'PATCH', body: { quietHours: 'global' } });
      expect(reset.status).toBe(200);
      expect('quietHours' in reset.json).toBe(false);
      expect('quietHours' in (await v1(`/rules/${id}`)).json).toBe(false);
      const stored = await db.query(`SELECT pacing FROM rules WHERE id = $1`, [id]);
      expect(stored.rows[0].pacing).toEqual({ caps: { exempt: true } });
      const unknown = await v1(`/rules/${id}`, { method: 'PATCH', body: { quietHours: 'default' } });
      expect(unknown.status).toBe(400);
      expect(unknown.json.errors).toEqual([{ field: 'quietHours', message: expect.stringMatching(/"global"/) }]);
      const plain = await createRule('Marketing', [emailStep('PT1H', 'Hi')]);
      const shown = (await v1(`/rules/${plain}`)).json;
      expect(shown.caps).toEqual({ exempt: false });
      expect('quietHours' in shown).toBe(false);
      const bad = await v1('/rules', {
        method: 'POST',
        body: {
          name: 'Bad',
          trigger: 'abandoned_cart',
          steps: [emailStep('PT1H', 'Hi')],
          caps: { exempt: 'yes' },
          quietHours: { start: '7:00', end: '08:00' },
        },
      });
      expect(bad.status).toBe(400);
      expect((bad.json.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual([
        'caps.exempt',
        'quietHours.start',
      ]);
    });
  });

  it('delivers the first email, suppresses the second with the cap as reason, and falls through to push', async () => {
    await putCaps({ rules: [{ channel: 'email', max: 1, per: 'PT16H' }], quietHours: null, defaultTimezone: 'UTC' });
    const first = await createRule('First reminder', [emailStep('PT1S', 'First reminder')]);
    const second = await createRule('Second reminder', [emailStep('PT4S', 'Second reminder', ['email', 'webpush'])]);

    const subscription = push.subscribe('bo');
    await engineSeesRules();
    await stack.produce([
      identify({ userId: 'u-ada' }, { email: 'ada@example.com', first_name: 'Ada' }),
      identify({ userId: 'u-bo' }, { email: 'bo@example.com', first_name: 'Bo' }),
      track({ userId: 'u-bo' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
        expiration_time: null,
      }),
      track({ userId: 'u-ada' }, 'Product Added', { cart_id: 'c-ada', ...product('beans', 12) }),
      track({ userId: 'u-bo' }, 'Product Added', { cart_id: 'c-bo', ...product('mug', 9) }),
    ]);

    const mail = await smtp.waitFor((m) => m.envelope.to.includes('ada@example.com'), 30000);
    expect(mail.subject).toBe('First reminder');
    await smtp.waitFor((m) => m.envelope.to.includes('bo@example.com'), 30000);

    const capped = await dispatchOf(second, 'u-ada', (d) => d.status === 'suppressed', 'the capped second reminder');
    expect(capped).toMatchObject({ channel: null, reason: 'capped:email:16h' });
    const pushed = await push.waitFor((p) => p.subscriptionId === 'bo', 30000);
    expect(pushed.json).toMatchObject({ title: 'Second reminder' });
    await dispatchOf(second, 'u-bo', (d) => d.status === 'sent' && d.channel === 'webpush', 'the push to Bo');
    await dispatchOf(first, 'u-ada', (d) => d.status === 'sent' && d.channel === 'email', 'the delivered first email');

    // Nothing else reached either inbox, and only what went out counts towards the caps.
    await sleep(500);
    expect(mailsTo('ada@example.com').map((m) => m.subject)).toEqual(['First reminder']);
    expect(mailsTo('bo@example.com').map((m) => m.subject)).toEqual(['First reminder']);
    const counted = await eventually(
      async () => {
        const { rows } = await db.query(
          `SELECT customer_id, channel, status FROM dispatches WHERE cap_counted_at IS NOT NULL ORDER BY customer_id, channel`,
        );
        return rows.every((row) => row.status === 'sent') && rows;
      },
      20000,
      'the counted messages delivered',
    );
    expect(counted).toEqual([
      { customer_id: 'u-ada', channel: 'email', status: 'sent' },
      { customer_id: 'u-bo', channel: 'email', status: 'sent' },
      { customer_id: 'u-bo', channel: 'webpush', status: 'sent' },
    ]);
  });

  it('neither caps nor counts the messages of an exempt rule', async () => {
    await putCaps({ rules: [{ channel: 'email', max: 1, per: 'PT16H' }], quietHours: null, defaultTimezone: 'UTC' });
    const exemptA = await createRule('Receipt A', [emailStep('PT1S', 'Receipt A')], { caps: { exempt: true } });
    const exemptB = await createRule('Receipt B', [emailStep('PT1S', 'Receipt B')], { caps: { exempt: true } });
    const marketing = await createRule('Offer', [emailStep('PT3S', 'Offer')]);
    const moreMarketing = await createRule('Another offer', [emailStep('PT5S', 'Another offer')]);

    await engineSeesRules();
    await stack.produce([
      identify({ userId: 'u-cy' }, { email: 'cy@example.com', first_name: 'Cy' }),
      track({ userId: 'u-cy' }, 'Product Added', { cart_id: 'c-cy', ...product('kettle', 30) }),
    ]);

    const capped = await dispatchOf(moreMarketing, 'u-cy', (d) => d.status === 'suppressed', 'the second offer');
    expect(capped.reason).toBe('capped:email:16h');
    await eventually(async () => mailsTo('cy@example.com').length === 3, 30000, 'three emails to Cy');
    await sleep(500);
    expect(
      mailsTo('cy@example.com')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Offer', 'Receipt A', 'Receipt B']);
    const { rows } = await db.query(
      `SELECT rule_id, cap_counted_at IS NOT NULL AS counted FROM dispatches WHERE customer_id = 'u-cy' AND status IN ('queued', 'sent')`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.rule_id, r.counted]))).toEqual({
      [exemptA]: false,
      [exemptB]: false,
      [marketing]: true,
    });
  });

  it('holds messages in quiet hours on the customer’s clock, delivers them when the window ends, caps judged then', async () => {
    // Quiet hours are whole minutes: start early in a minute so the window ends a few seconds from now.
    if (new Date().getUTCSeconds() > 40) await sleep((61 - new Date().getUTCSeconds()) * 1000);
    const zone = 'Asia/Vladivostok';
    const windowEnd = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    const quietHours = {
      start: localHhmm(new Date(windowEnd.getTime() - 5 * 60_000), zone),
      end: localHhmm(windowEnd, zone),
    };
    await putCaps({ rules: [{ channel: 'email', max: 1, per: 'PT16H' }], quietHours, defaultTimezone: 'UTC' });
    // Created with no quiet hours, then PATCHed back to the global window, which must hold it.
    const held = await createRule('Evening reminder', [emailStep('PT1S', 'Evening reminder')], { quietHours: null });
    expect((await v1(`/rules/${held}`, { method: 'PATCH', body: { quietHours: 'global' } })).status).toBe(200);
    const receipt = await createRule('Receipt', [emailStep('PT1S', 'Receipt')], {
      caps: { exempt: true },
      quietHours: null,
    });
    // Only Dee's cart is worth this one; it goes at any hour and takes Dee's one email of the window.
    const offer = await createRule('Big-cart offer', [emailStep('PT1S', 'Big-cart offer')], {
      params: { minCartValue: 50 },
      quietHours: null,
    });

    await engineSeesRules();
    await stack.produce([
      identify({ userId: 'u-vlad' }, { email: 'vlad@example.com', timezone: zone }),
      identify({ userId: 'u-utc' }, { email: 'utc@example.com' }),
      identify({ userId: 'u-dee' }, { email: 'dee@example.com', timezone: zone }),
      track({ userId: 'u-vlad' }, 'Product Added', { cart_id: 'c-vlad', ...product('tea', 7) }),
      track({ userId: 'u-utc' }, 'Product Added', { cart_id: 'c-utc', ...product('tea', 7) }),
      track({ userId: 'u-dee' }, 'Product Added', { cart_id: 'c-dee', ...product('samovar', 60) }),
    ]);

    const deferred = await dispatchOf(held, 'u-vlad', (d) => d.status === 'deferred', 'the deferred reminder');
    expect(deferred).toMatchObject({ channel: null, reason: 'quiet_hours', dueAt: windowEnd.toISOString() });
    await dispatchOf(held, 'u-dee', (d) => d.status === 'deferred', 'Dee’s deferred reminder');
    // The same window read in UTC is hours away; rules without quiet hours go at once.
    const early = await Promise.all([
      smtp.waitFor((m) => m.envelope.to.includes('utc@example.com') && m.subject === 'Evening reminder', 30000),
      smtp.waitFor((m) => m.envelope.to.includes('vlad@example.com') && m.subject === 'Receipt', 30000),
      smtp.waitFor((m) => m.envelope.to.includes('dee@example.com') && m.subject === 'Big-cart offer', 30000),
    ]);
    for (const mail of early) expect(mail.receivedAt.getTime()).toBeLessThan(windowEnd.getTime());
    await dispatchOf(receipt, 'u-vlad', (d) => d.status === 'sent', 'the receipt');
    await dispatchOf(offer, 'u-dee', (d) => d.status === 'sent', 'the offer');

    // When the window ends the held reminders fire again: Vlad's goes out, Dee's is capped by the offer.
    const late = await smtp.waitFor(
      (m) => m.envelope.to.includes('vlad@example.com') && m.subject === 'Evening reminder',
      90000,
    );
    expect(late.receivedAt.getTime()).toBeGreaterThanOrEqual(windowEnd.getTime());
    await dispatchOf(held, 'u-vlad', (d) => d.status === 'sent' && d.reason === null, 'the held reminder sent');
    const capped = await dispatchOf(held, 'u-dee', (d) => d.status === 'suppressed', 'Dee’s capped reminder');
    expect(capped.reason).toBe('capped:email:16h');
    expect(
      mailsTo('dee@example.com')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Big-cart offer', 'Receipt']);
  });
});

/**
 * Two engines racing for the same customers can never exceed a cap: each locks the customers'
 * cap ledger rows before reading their history, and holds the locks until its decisions commit.
 */
describe('caps under concurrency', () => {
  const CUSTOMERS = 5;
  const RULES = 10;
  const CARTS = 20; // per customer
  const MAX = 3;
  let databaseUrl: string;
  let db: Client;
  let dataSource: DataSource;
  let engines: INestApplication[] = [];
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('caps_race');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    dataSource = new DataSource(dataSourceOptions(databaseUrl, 4));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    for (const engine of engines) await engine.close();
    await dataSource?.destroy();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('makes a second engine wait for the first one’s decisions before reading the history', async () => {
    const ledger = new CapLedgerRepository();
    const [first, second] = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
    try {
      await first.startTransaction();
      await ledger.lock(first.manager, ['lock-b', 'lock-a']);
      await second.startTransaction();
      let secondHasLock = false;
      const secondLock = ledger.lock(second.manager, ['lock-c', 'lock-b']).then(() => {
        secondHasLock = true;
      });
      await sleep(500);
      expect(secondHasLock).toBe(false);
      await first.query(
        `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, cap_counted_at)
         VALUES ('lock-test', gen_random_uuid(), 'lock-b', 'x', 0, 'email', 'queued', now())`,
      );
      await first.commitTransaction();
      await secondLock;
      expect(secondHasLock).toBe(true);
      const history = await ledger.history(second.manager, ['lock-b'], new Date(Date.now() - 60_000));
      expect(history.get('lock-b')).toEqual([{ channel: 'email', at: expect.any(Date) }]);
      await second.commitTransaction();
    } finally {
      await Promise.all([first.release(), second.release()]);
      await db.query(`DELETE FROM dispatches WHERE dispatch_key = 'lock-test'`);
    }
  });

  it(`queues at most ${MAX} emails per customer from ${RULES * CARTS} due steps each, fired by two engines`, async () => {
    const config = testConfig(databaseUrl, { TIMER_POLL_MS: '10' });
    await db.query(`UPDATE cap_settings SET rules = $1, quiet_hours = NULL`, [
      JSON.stringify([{ channel: 'email', max: MAX, per: 'PT1H' }]),
    ]);
    const ruleIds: string[] = [];
    for (let r = 0; r < RULES; r += 1) {
      const { rows } = await db.query(
        `INSERT INTO rules (name, trigger, enabled, params, steps, priority)
         VALUES ($1, 'abandoned_cart', true, '{"minCartValue":0}', $2, 100) RETURNING id`,
        [`rule ${r}`, JSON.stringify([emailStep('PT1H', `Offer ${r}`)])],
      );
      ruleIds.push(rows[0].id);
    }
    await db.query(
      `INSERT INTO customers (id, email) SELECT 'race' || c, 'race' || c || '@example.com' FROM generate_series(0, $1 - 1) c`,
      [CUSTOMERS],
    );
    await db.query(
      `INSERT INTO carts (id, customer_id, items, value, status, last_activity_at)
       SELECT 'race' || c || '-' || k, 'race' || c, '[{"product_id":"p","price":10,"quantity":1}]', 10, 'open', now() - interval '2 hours'
       FROM generate_series(0, $1 - 1) c, generate_series(0, $2 - 1) k`,
      [CUSTOMERS, CARTS],
    );
    engines = await Promise.all([createEngineApp(config), createEngineApp(config)]);
    await Promise.all(engines.map((engine) => engine.listen(0, '127.0.0.1')));
    const kafka = new Kafka({ clientId: 'caps-race-test', brokers: config.KAFKA_BROKERS, logLevel: 1 });
    consumer = kafka.consumer({ groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-caps-race` });
    const fired = new Map<string, number>();
    await consumer.connect();
    await consumer.subscribe({
      topic: topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX).emailDispatch,
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { customerId } = JSON.parse(message.value!.toString()) as { customerId: string };
        fired.set(customerId, (fired.get(customerId) ?? 0) + 1);
      },
    });

    // Both engines are polling when the steps appear in one commit, so they claim batches side by side;
    // due times interleave customers, so every batch holds steps of every customer.
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at)
       SELECT r.id || '|race' || c || '|cart:race' || c || '-' || k || '|0', r.id, 'race' || c, 'cart:race' || c || '-' || k, 0,
              'scheduled', now() - interval '1 hour' + (k * $3 * $2 + r.n * $2 + c) * interval '1 millisecond'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, n), generate_series(0, $2 - 1) c, generate_series(0, $4 - 1) k`,
      [ruleIds, CUSTOMERS, RULES, CARTS],
    );
    const total = CUSTOMERS * RULES * CARTS;

    await eventually(
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM dispatches WHERE status <> 'scheduled'`)).rows[0].n === total,
      60000,
      `all ${total} steps decided`,
    );
    const { rows } = await db.query(
      `SELECT customer_id, status, reason, count(*)::int AS n, count(cap_counted_at)::int AS counted
       FROM dispatches GROUP BY 1, 2, 3 ORDER BY 1, 2`,
    );
    const perCustomer = RULES * CARTS;
    const expected = Array.from({ length: CUSTOMERS }, (_, c) => [
      { customer_id: `race${c}`, status: 'queued', reason: null, n: MAX, counted: MAX },
      { customer_id: `race${c}`, status: 'suppressed', reason: 'capped:email:1h', n: perCustomer - MAX, counted: 0 },
    ]).flat();
    expect(rows).toEqual(expected);
    await eventually(async () => fired.size === CUSTOMERS, 20000, 'the queued emails on Kafka');
    await sleep(500);
    expect([...fired.values()]).toEqual(Array(CUSTOMERS).fill(MAX));
  });
});
