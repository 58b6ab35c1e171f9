import { scrape, Sample, valueOf } from './support/prometheus';
import { createRule, startStack, Stack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

type Service = 'api' | 'engine' | 'email' | 'webpush';
const SERVICES: Service[] = ['api', 'engine', 'email', 'webpush'];

/**
 * Operations on the real stack: every service's /health and /metrics, and one correlation id
 * followed from the storefront event (or the API request) to the dispatch log and the log lines of
 * the engine and the email service, read back from the loggers' own destination.
 */
describe('observability', () => {
  let stack: Stack;
  const lines: Array<Record<string, unknown>> = [];

  const scrapeAll = async (): Promise<Record<Service, Sample[]>> => {
    const entries = await Promise.all(SERVICES.map(async (s) => [s, await scrape(stack.urls[s])] as const));
    return Object.fromEntries(entries) as Record<Service, Sample[]>;
  };

  beforeAll(async () => {
    stack = await startStack(
      'observability',
      { LOG_LEVEL: 'log', TIMER_BACKLOG_REFRESH_MS: '100' },
      { logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) } },
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('reports PostgreSQL and Kafka up on every service', async () => {
    for (const service of SERVICES) {
      const response = await fetch(`${stack.urls[service]}/health`);
      expect({ service, status: response.status, body: await response.json() }).toEqual({
        service,
        status: 200,
        body: { status: 'ok', checks: { postgres: 'up', kafka: 'up' } },
      });
    }
  });

  it('follows events from Kafka and HTTP to sent mails in metrics, the dispatch log and the log lines', async () => {
    const before = await scrapeAll();
    const rule = await createRule(stack, {
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      steps: [{ after: 'PT4S', channels: ['email'], email: { subject: 'Your cart', text: '{{ cart.item_count }}' } }],
    });

    const added = track({ userId: 'u-kafka' }, 'Product Added', { cart_id: 'c-kafka', ...product('mug', 9) });
    await stack.produce([
      identify({ userId: 'u-kafka' }, { email: 'kafka@example.com' }),
      added,
      added, // the same messageId again: a duplicate
      { type: 'track', event: 'Product Added', userId: 'u-kafka', properties: {} }, // no messageId: invalid
    ]);
    const ingest = await fetch(`${stack.apiUrl}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'test-marketer-key',
        'x-correlation-id': 'req-obs-1',
      },
      body: JSON.stringify({
        batch: [
          identify({ userId: 'u-http' }, { email: 'http@example.com' }),
          track({ userId: 'u-http' }, 'Product Added', { cart_id: 'c-http', ...product('tea', 4) }),
        ],
      }),
    });
    expect(ingest.status).toBe(202);
    expect(ingest.headers.get('x-correlation-id')).toBe('req-obs-1');
    const anonymousRequest = await fetch(`${stack.apiUrl}/health`);
    expect(anonymousRequest.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);

    // Both steps wait in the timer store: the backlog gauge sees them before they come due.
    const waiting = await eventually(
      async () => {
        const engine = await scrape(stack.urls.engine);
        return valueOf(engine, 'beckon_timer_pending_dispatches') === 2 ? engine : undefined;
      },
      3000,
      'two pending dispatches in beckon_timer_pending_dispatches',
    );
    expect(valueOf(waiting, 'beckon_timer_due_dispatches')).toBe(0);

    const sent = await eventually(
      async () => {
        const page = await stack.v1(`/dispatches?ruleId=${rule.id}&status=sent`);
        return page.json.items.length === 2 ? page.json.items : undefined;
      },
      30000,
      'two sent dispatches',
    );
    const correlationOf = Object.fromEntries(
      sent.map((d: { customerId: string; correlationId: string }) => [d.customerId, d.correlationId]),
    );
    expect(correlationOf).toEqual({ 'u-kafka': added.messageId, 'u-http': 'req-obs-1' });

    const after = await eventually(
      async () => {
        const all = await scrapeAll();
        return valueOf(all.engine, 'beckon_timer_pending_dispatches') === 0 ? all : undefined;
      },
      3000,
      'the backlog gauge to empty',
    );
    const delta = (service: Service, name: string, labels: Record<string, string> = {}) =>
      valueOf(after[service], name, labels) - valueOf(before[service], name, labels);

    const consumed = (event: string, outcome: string) =>
      delta('engine', 'beckon_events_consumed_total', { event, outcome, service: 'engine' });
    expect({
      added: consumed('Product Added', 'accepted'),
      identify: consumed('identify', 'accepted'),
      duplicate: consumed('Product Added', 'duplicate'),
      invalid: consumed('unknown', 'invalid'),
    }).toEqual({ added: 2, identify: 2, duplicate: 1, invalid: 1 });
    expect(
      delta('engine', 'beckon_decisions_total', { trigger: 'abandoned_cart', status: 'queued', reason: 'none' }),
    ).toBe(2);
    expect(delta('engine', 'beckon_outbox_published_total')).toBe(2);
    expect(after.engine.some((s) => s.name === 'beckon_kafka_consumer_lag' && s.value === 0)).toBe(true);

    expect(delta('email', 'beckon_sends_total', { channel: 'email', status: 'sent', reason: 'none' })).toBe(2);
    expect(delta('email', 'beckon_sends_total', { status: 'failed' })).toBe(0);
    expect(delta('email', 'beckon_send_duration_seconds_count', { status: 'sent' })).toBe(2);
    expect(delta('email', 'beckon_dispatch_queued_to_sent_seconds_count')).toBe(2);
    expect(delta('webpush', 'beckon_sends_total')).toBe(0);
    expect(delta('api', 'beckon_api_http_request_duration_seconds_count', { route: '/v1/events' })).toBe(1);
    for (const service of SERVICES) {
      expect(after[service].some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    }

    for (const correlationId of [added.messageId, 'req-obs-1']) {
      const about = lines.filter((line) => line.correlationId === correlationId);
      expect(about).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: 'engine', context: 'DueStepWorker', msg: 'dispatch queued' }),
          expect.objectContaining({ service: 'email', context: 'DeliveryBatch:email', msg: 'dispatch sent' }),
        ]),
      );
    }
    for (const line of lines) {
      expect(Object.keys(line).slice(0, 3)).toEqual(['level', 'time', 'service']);
      expect(typeof line.msg).toBe('string');
    }
  });
});
