import { INestApplication } from '@nestjs/common';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { CareWebhookReceiver, unusedPort } from './support/care-webhook-receiver';
import { scrape, valueOf } from './support/prometheus';
import { settle, Stack, startStack } from './support/stack';
import { eventually } from './support/storefront';

const SECRET = 'care-webhook-test-secret';

interface Signal {
  id: string;
  customer_id: string;
  signal: string;
  at: string;
  order_id: string | null;
  score: number | null;
  rating: number | null;
}

const signal = (id: string, kind: string, extra: Partial<Signal> = {}): Signal => ({
  id,
  customer_id: `customer-${id}`,
  signal: kind,
  at: '2026-12-01T10:00:00.000Z',
  order_id: `order-${id}`,
  score: null,
  rating: null,
  ...extra,
});

/** Care signals as the care window raises them; `age` backdates created_at, the start of their 24 hours. */
async function raise(stack: Stack, signals: Signal[], age = '0 seconds'): Promise<void> {
  await stack.db.query(
    `INSERT INTO care_signals (id, customer_id, signal, at, order_id, score, rating, created_at)
     SELECT id, customer_id, signal, at, order_id, score, rating, now() - $8::interval
     FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::smallint[], $7::smallint[])
       AS s(id, customer_id, signal, at, order_id, score, rating)`,
    [
      signals.map((s) => s.id),
      signals.map((s) => s.customer_id),
      signals.map((s) => s.signal),
      signals.map((s) => s.at),
      signals.map((s) => s.order_id),
      signals.map((s) => s.score),
      signals.map((s) => s.rating),
      age,
    ],
  );
}

interface WebhookState {
  id: string;
  webhook_attempts: number;
  webhook_next_at: Date | null;
  webhook_delivered_at: Date | null;
  webhook_last_error: string | null;
}

async function statesOf(stack: Stack, ids: string[]): Promise<WebhookState[]> {
  const { rows } = await stack.db.query(
    `SELECT id, webhook_attempts, webhook_next_at, webhook_delivered_at, webhook_last_error
     FROM care_signals WHERE id = ANY($1) ORDER BY id`,
    [ids],
  );
  return rows;
}

const allDelivered = async (stack: Stack, ids: string[]) =>
  (await statesOf(stack, ids)).every((s) => s.webhook_delivered_at !== null);

describe('care webhook', () => {
  let stack: Stack;
  let port: number;
  const receiver = new CareWebhookReceiver(SECRET);
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    port = await unusedPort();
    stack = await startStack(
      'care_webhook',
      {
        CARE_WEBHOOK_URL: `http://127.0.0.1:${port}/beckon/care`,
        CARE_WEBHOOK_SECRET: SECRET,
        CARE_WEBHOOK_POLL_MS: '50',
        CARE_WEBHOOK_TIMEOUT_MS: '300',
        CARE_WEBHOOK_RETRY_BASE_MS: '50',
        CARE_WEBHOOK_RETRY_MAX_MS: '200',
      },
      { logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) } },
    );
  });

  afterAll(async () => {
    await stack?.close();
    await receiver.close();
  });

  it('keeps the signals while the receiver is down, and sends each once when it comes up', async () => {
    const signals = [signal('down-1', 'refund'), signal('down-2', 'cancellation'), signal('down-3', 'complaint')];
    const ids = signals.map((s) => s.id);
    await raise(stack, signals);

    const waiting = await eventually(
      async () => {
        const states = await statesOf(stack, ids);
        return states.every((s) => s.webhook_attempts >= 3) && states;
      },
      20000,
      'three refused attempts per signal',
    );
    for (const state of waiting) {
      expect(state.webhook_delivered_at).toBeNull();
      expect(state.webhook_next_at).not.toBeNull();
      expect(state.webhook_last_error).toContain('ECONNREFUSED');
    }

    await receiver.listen(port);
    await eventually(() => allDelivered(stack, ids), 20000, 'the signals delivered');
    await settle(1000);
    expect([...receiver.accepted].sort()).toEqual(ids);
    expect(receiver.received).toHaveLength(3);
    expect((await statesOf(stack, ids)).map((s) => s.webhook_last_error)).toEqual([null, null, null]);
  });

  it('retries a receiver that fails first (500, a reset, no answer) until each signal arrived once, signed, as the contract says', async () => {
    const before = receiver.received.length;
    receiver.answers = ['error', 'reset', 'hang'];
    const signals = [
      signal('flaky-detractor', 'detractor', { score: 3 }),
      signal('flaky-low-review', 'low_review', { order_id: null, rating: 1 }),
      signal('flaky-refund', 'refund'),
      signal('flaky-complaint', 'complaint'),
      signal('flaky-cancellation', 'cancellation', { customer_id: 'zoë@example.com' }),
    ];
    const ids = signals.map((s) => s.id).sort();
    await raise(stack, signals);

    await eventually(() => allDelivered(stack, ids), 20000, 'the signals delivered');
    await settle(1000);
    const received = receiver.received.slice(before);
    expect(
      received
        .filter((r) => r.answer !== 'ok')
        .map((r) => r.answer)
        .sort(),
    ).toEqual(['error', 'hang', 'reset']);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(received.every((r) => r.contentType === 'application/json')).toBe(true);
    const accepted = received.filter((r) => r.answer === 'ok');
    expect(accepted.map((r) => String(r.json.id)).sort()).toEqual(ids);

    const bodyOf = (id: string) => accepted.find((r) => r.json.id === id)?.json;
    expect(bodyOf('flaky-detractor')).toEqual({
      id: 'flaky-detractor',
      customerId: 'customer-flaky-detractor',
      signal: 'detractor',
      at: '2026-12-01T10:00:00.000Z',
      orderId: 'order-flaky-detractor',
      score: 3,
    });
    expect(bodyOf('flaky-low-review')).toEqual({
      id: 'flaky-low-review',
      customerId: 'customer-flaky-low-review',
      signal: 'low_review',
      at: '2026-12-01T10:00:00.000Z',
      orderId: null,
      rating: 1,
    });
    expect(bodyOf('flaky-refund')).toEqual({
      id: 'flaky-refund',
      customerId: 'customer-flaky-refund',
      signal: 'refund',
      at: '2026-12-01T10:00:00.000Z',
      orderId: 'order-flaky-refund',
    });
    expect(bodyOf('flaky-cancellation')?.customerId).toBe('zoë@example.com');

    const states = await statesOf(stack, ids);
    expect(states.map((s) => s.webhook_last_error)).toEqual([null, null, null, null, null]);
    // Three signals failed once each before their 2xx; the other two went through at once.
    expect(states.reduce((sum, s) => sum + s.webhook_attempts, 0)).toBe(8);
  });

  it('gives up on a signal still failing 24 hours after it was raised, with an error line and a count', async () => {
    receiver.answerFor = (id) => (id.startsWith('doomed') ? 'error' : undefined);
    await raise(stack, [signal('doomed-late', 'complaint')], '24 hours 1 minute');
    await raise(stack, [signal('doomed-soon', 'refund')], '23 hours 59 minutes 58 seconds');
    const ids = ['doomed-late', 'doomed-soon'];

    const states = await eventually(
      async () => {
        const found = await statesOf(stack, ids);
        return found.every((s) => s.webhook_next_at === null) && found;
      },
      20000,
      'both given up',
    );
    for (const state of states) {
      expect(state.webhook_delivered_at).toBeNull();
      expect(state.webhook_last_error).toBe('HTTP 500: receiver broke');
    }
    const [late, soon] = states;
    // Raised over 24 hours ago: one try, no retry. Two seconds left: retried until the 24th hour.
    expect(late.webhook_attempts).toBe(1);
    expect(soon.webhook_attempts).toBeGreaterThan(1);

    const tried = receiver.received.filter((r) => String(r.json.id).startsWith('doomed')).length;
    expect(tried).toBe(late.webhook_attempts + soon.webhook_attempts);
    await settle(1000);
    expect(receiver.received.filter((r) => String(r.json.id).startsWith('doomed'))).toHaveLength(tried);

    const givenUp = lines.filter(
      (line) => line.msg === 'care webhook given up: still failing 24 hours after the signal',
    );
    expect(givenUp.map((line) => [line.level, line.signalId]).sort()).toEqual([
      ['error', 'doomed-late'],
      ['error', 'doomed-soon'],
    ]);
  });

  it('sends each signal once with two engines claiming from the same table', async () => {
    const second: INestApplication = await createEngineApp(stack.config, {
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    try {
      const before = receiver.received.length;
      receiver.delayMs = 100;
      const signals = Array.from({ length: 60 }, (_, i) => signal(`pair-${String(i).padStart(2, '0')}`, 'refund'));
      const ids = signals.map((s) => s.id);
      await raise(stack, signals);
      await eventually(() => allDelivered(stack, ids), 20000, 'the signals delivered');
      await settle(1000);
      const received = receiver.received.slice(before);
      expect(received.map((r) => String(r.json.id)).sort()).toEqual(ids);
      expect(received.every((r) => r.answer === 'ok')).toBe(true);
      // Both engines took a share, so the claims did overlap.
      await second.listen(0, '127.0.0.1');
      const secondUrl = (await second.getUrl()).replace('[::1]', '127.0.0.1');
      const bySecond = valueOf(await scrape(secondUrl), 'beckon_care_webhook_attempts_total', { outcome: 'delivered' });
      expect(bySecond).toBeGreaterThan(0);
      expect(bySecond).toBeLessThan(60);
    } finally {
      receiver.delayMs = 0;
      await second.close();
    }
  });

  it('counts attempts, give-ups and what is pending in /metrics', async () => {
    const scraped = await scrape(stack.urls.engine);
    const failedBefore = valueOf(scraped, 'beckon_care_webhook_attempts_total', { outcome: 'failed' });
    const deliveredBefore = valueOf(scraped, 'beckon_care_webhook_attempts_total', { outcome: 'delivered' });
    receiver.answerFor = () => undefined;
    receiver.answers = Array<'error'>(1000).fill('error');
    await raise(stack, [signal('pending-1', 'refund')]);
    await eventually(
      async () => valueOf(await scrape(stack.urls.engine), 'beckon_care_webhook_pending_signals') === 1,
      20000,
      'one pending signal',
    );
    receiver.answers = [];
    await eventually(() => allDelivered(stack, ['pending-1']), 20000, 'the signal delivered');

    const samples = await eventually(
      async () => {
        const scraped = await scrape(stack.urls.engine);
        return valueOf(scraped, 'beckon_care_webhook_pending_signals') === 0 && scraped;
      },
      20000,
      'nothing pending',
    );
    expect(valueOf(samples, 'beckon_care_webhook_attempts_total', { outcome: 'delivered' })).toBe(deliveredBefore + 1);
    expect(valueOf(samples, 'beckon_care_webhook_attempts_total', { outcome: 'failed' })).toBeGreaterThan(failedBefore);
    expect(valueOf(samples, 'beckon_care_webhook_given_up_total')).toBe(2);
  });
});

describe('care webhook without CARE_WEBHOOK_URL', () => {
  let stack: Stack;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    stack = await startStack(
      'care_webhook_off',
      {},
      {
        logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) },
      },
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('posts nothing, fails nothing and leaves the signals pending for when a URL is set', async () => {
    await raise(stack, [signal('quiet-1', 'refund'), signal('quiet-2', 'detractor', { score: 0 })]);
    await settle(1500);
    const states = await statesOf(stack, ['quiet-1', 'quiet-2']);
    expect(states.map((s) => [s.webhook_attempts, s.webhook_delivered_at, s.webhook_last_error])).toEqual([
      [0, null, null],
      [0, null, null],
    ]);
    expect(states.every((s) => s.webhook_next_at !== null)).toBe(true);
    const samples = await scrape(stack.urls.engine);
    expect(valueOf(samples, 'beckon_care_webhook_attempts_total')).toBe(0);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
