import { RuleCache } from '../apps/engine/src/rules/rule-cache';
import { CareWebhookReceiver } from './support/care-webhook-receiver';
import { createRule, dispatchesOf, LoggedDispatch, Stack, startStack } from './support/stack';
import { eventually, identify, product, track, Who } from './support/storefront';

const DAY = 86_400_000;
const WEBHOOK_SECRET = 'care-window-webhook-secret';

const step = (after: string, subject: string) => ({
  after,
  channels: ['email'],
  email: { subject, text: `${subject}. Unsubscribe: {{ unsubscribe_url }}` },
});

/**
 * The care window on the real stack (CONTRACT §8): a care signal ends the customer's running
 * marketing sequences and holds every later marketing step back with `care:<signal>`, while exempt
 * rules keep going; the settings choose the signals, and the customer's page shows the care.
 */
describe('the care window', () => {
  let stack: Stack;
  /** Where a person hears of each signal the events raised (CARE_WEBHOOK_URL). */
  const receiver = new CareWebhookReceiver(WEBHOOK_SECRET);
  /** Sends at once and again a day later: its second step is pending when a signal arrives. */
  let quick: string;
  /** Waits an hour: pending throughout a test. */
  let slow: string;
  /** Transactional: exempt from caps, and so from the care window. */
  let exempt: string;

  const stepsOf = async (ruleId: string, customerId: string): Promise<LoggedDispatch[]> =>
    (await dispatchesOf(stack, ruleId)).filter((d) => d.customer_id === customerId);
  const stepOf = (ruleId: string, customerId: string, index: number) =>
    stepsOf(ruleId, customerId).then((steps) => steps.find((s) => s.step === index));
  const waitForStep = (ruleId: string, customerId: string, index: number, status: string, what: string) =>
    eventually(
      async () => {
        const found = await stepOf(ruleId, customerId, index);
        return found?.status === status ? found : undefined;
      },
      40000,
      what,
    );
  const careOf = async (customerId: string) => (await stack.v1(`/customers/${customerId}`)).json.care;

  /** A known customer whose cart went quiet: the quick rule has sent its first step, the slow one waits. */
  async function customerWithRunningSequences(userId: string): Promise<Who> {
    const who = { userId };
    await stack.produce([
      identify(who, { email: `${userId}@example.com` }),
      track(who, 'Product Added', { cart_id: `cart-${userId}`, ...product('mug', 9) }),
    ]);
    await waitForStep(quick, userId, 1, 'scheduled', `${userId}: the quick rule's second step pending`);
    await waitForStep(exempt, userId, 1, 'scheduled', `${userId}: the exempt rule's second step pending`);
    await waitForStep(slow, userId, 0, 'scheduled', `${userId}: the slow rule pending`);
    return who;
  }

  beforeAll(async () => {
    const port = await receiver.listen();
    stack = await startStack('care', {
      CARE_WEBHOOK_URL: `http://127.0.0.1:${port}/care`,
      CARE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CARE_WEBHOOK_POLL_MS: '100',
    });
    const rule = (name: string, steps: unknown[], extra: Record<string, unknown> = {}) =>
      createRule(stack, { name, trigger: 'abandoned_cart', params: { minCartValue: 0 }, steps, ...extra }).then(
        (created) => created.id,
      );
    quick = await rule('Quick reminder', [step('PT1S', 'Still there?'), step('P1D', 'Last call')]);
    slow = await rule('Slow reminder', [step('PT1H', 'An hour later')]);
    exempt = await rule('Cart saved', [step('PT1S', 'Your cart is saved'), step('P1D', 'Cart kept')], {
      caps: { exempt: true },
    });
    // The engine's rule cache must see the rules before the carts arrive.
    await new Promise((resolve) => setTimeout(resolve, RuleCache.TTL_MS + 300));
  });

  afterAll(async () => {
    await stack?.close();
    await receiver.close();
  });

  const webhookOf = (customerId: string) =>
    eventually(
      async () => receiver.received.find((r) => r.json.customerId === customerId && r.answer === 'ok'),
      20000,
      `the care webhook for ${customerId}`,
    );

  it('shows the default care window with the caps, takes a new one and refuses a wrong one', async () => {
    const caps = await stack.v1('/caps');
    expect(caps.json.care).toEqual({
      window: 'P14D',
      signals: ['detractor', 'refund', 'cancellation', 'complaint', 'low_review'],
    });
    const base = { rules: [], quietHours: null, defaultTimezone: 'UTC' };
    const wrong = await stack.v1('/caps', 'PUT', { ...base, care: { window: 'P1M', signals: ['angry'] } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['care.signals.0', 'care.window']);
    const short = { window: 'PT48H', signals: ['complaint'] };
    expect((await stack.v1('/caps', 'PUT', { ...base, care: short })).json.care).toEqual(short);
    expect((await stack.v1('/caps')).json.care).toEqual(short);
    const document = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as any;
    expect(document.components.schemas.CapSettings.properties.care).toEqual({
      allOf: [{ $ref: '#/components/schemas/CareSettings' }],
      default: caps.json.care,
    });
    expect(document.components.schemas.CareSettings.properties.signals.items.enum).toHaveLength(5);
    expect(document.components.schemas.CustomerOverview.required).toContain('care');
    // A PUT without care means the default again.
    expect((await stack.v1('/caps', 'PUT', base)).json.care).toEqual(caps.json.care);
    expect((await stack.v1('/caps')).json.care).toEqual(caps.json.care);
  });

  it('ends a running cart sequence when the order is refunded, and keeps the exempt one going', async () => {
    const who = { userId: 'u-refund' };
    await stack.produce([
      track(who, 'Order Completed', { order_id: 'o-refund', cart_id: 'cart-earlier', products: [product('tea', 4)] }),
    ]);
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM orders WHERE id = 'o-refund'`)).rowCount, 20000);
    await customerWithRunningSequences('u-refund');
    const refundedAt = new Date();
    await stack.produce([track(who, 'Order Refunded', { order_id: 'o-refund' }, refundedAt)]);

    const ended = await waitForStep(quick, 'u-refund', 1, 'suppressed', 'the quick rule ended');
    expect(ended.reason).toBe('care:refund');
    expect(await stepOf(slow, 'u-refund', 0)).toMatchObject({ status: 'suppressed', reason: 'care:refund' });
    expect(await stepOf(exempt, 'u-refund', 1)).toMatchObject({ status: 'scheduled', reason: null });

    const { rows } = await stack.db.query(`SELECT refunded_at, cancelled_at FROM orders WHERE id = 'o-refund'`);
    expect(rows[0].refunded_at.toISOString()).toBe(refundedAt.toISOString());
    expect(rows[0].cancelled_at).toBeNull();
    const [signal] = (await stack.db.query(`SELECT * FROM care_signals WHERE customer_id = 'u-refund'`)).rows;
    expect(signal).toMatchObject({ signal: 'refund', order_id: 'o-refund', score: null, rating: null });
    // The signal, raised from the event, reaches a person: signed, its id the event's messageId.
    const posted = await webhookOf('u-refund');
    expect(posted.verified).toBe(true);
    expect(posted.json).toEqual({
      id: signal.id,
      customerId: 'u-refund',
      signal: 'refund',
      at: refundedAt.toISOString(),
      orderId: 'o-refund',
    });
  });

  it('suppresses a pending cart reminder with care:complaint when the customer complains', async () => {
    const who = await customerWithRunningSequences('u-complaint');
    await stack.produce([track(who, 'Complaint Filed', { reason: 'arrived broken' })]);
    const ended = await waitForStep(slow, 'u-complaint', 0, 'suppressed', 'the pending reminder ended');
    expect(ended.reason).toBe('care:complaint');
    expect(await stepOf(quick, 'u-complaint', 1)).toMatchObject({ status: 'suppressed', reason: 'care:complaint' });
  });

  it('puts a customer in care after a two-star review, shown on their page, and not after three stars', async () => {
    const low = { userId: 'u-two-stars' };
    const fine = { userId: 'u-three-stars' };
    const reviewedAt = new Date();
    await stack.produce([
      identify(low, { email: 'two@example.com' }),
      identify(fine, { email: 'three@example.com' }),
      track(low, 'Product Reviewed', { product_id: 'mug', rating: 2, review_body: 'chipped' }, reviewedAt),
      track(fine, 'Product Reviewed', { product_id: 'mug', rating: 3 }),
    ]);
    const care = await eventually(() => careOf('u-two-stars'), 20000, 'the low review’s care');
    expect(care).toEqual({ until: new Date(reviewedAt.getTime() + 14 * DAY).toISOString(), signal: 'low_review' });
    const reply = await stack.v1('/customers/u-three-stars');
    expect(reply.status).toBe(200);
    expect(reply.json.care).toBeNull();
    expect((await stack.db.query(`SELECT 1 FROM care_signals WHERE customer_id = 'u-three-stars'`)).rowCount).toBe(0);
    expect((await webhookOf('u-two-stars')).json).toMatchObject({ signal: 'low_review', rating: 2, orderId: null });
  });

  it('puts a detractor in care: a survey answer of 3 ends the pending reminder with care:detractor', async () => {
    const who = await customerWithRunningSequences('u-detractor');
    await stack.produce([track(who, 'Survey Answered', { score: 3, order_id: 'o-survey' })]);
    const ended = await waitForStep(slow, 'u-detractor', 0, 'suppressed', 'the reminder ended by the answer');
    expect(ended.reason).toBe('care:detractor');
    expect(await careOf('u-detractor')).toEqual(expect.objectContaining({ signal: 'detractor' }));
    expect((await webhookOf('u-detractor')).json).toMatchObject({ signal: 'detractor', score: 3, orderId: 'o-survey' });
  });

  it('holds back the marketing steps that come due in care, and still sends an exempt rule', async () => {
    const who = { userId: 'u-in-care' };
    await stack.produce([
      identify(who, { email: 'in-care@example.com' }),
      track(who, 'Complaint Filed', { order_id: 'o-9', reason: 'late' }),
    ]);
    await eventually(() => careOf('u-in-care'), 20000, 'the complaint’s care');
    await stack.produce([track(who, 'Product Added', { cart_id: 'cart-in-care', ...product('mug', 9) })]);

    const held = await waitForStep(quick, 'u-in-care', 0, 'suppressed', 'the quick rule held back');
    expect(held.reason).toBe('care:complaint');
    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('in-care@example.com'), 30000);
    expect(mail.subject).toBe('Your cart is saved');
    await waitForStep(exempt, 'u-in-care', 1, 'scheduled', 'the exempt rule going on');
    // The held-back sequence ended there: no later step was scheduled.
    expect((await stepsOf(quick, 'u-in-care')).map((s) => s.step)).toEqual([0]);
  });

  it('puts a customer who answers the survey link with 3 in care: the pending cart reminder ends care:detractor', async () => {
    const survey = await createRule(stack, {
      name: 'How was it?',
      trigger: 'post_purchase',
      params: { from: 'ordered' },
      steps: [
        {
          after: 'PT0S',
          channels: ['email'],
          email: {
            subject: 'How was order {{ order.id }}?',
            html: '{% for link in survey.links %}<a href="{{ link.url }}">{{ link.score }}</a>{% endfor %}',
          },
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, RuleCache.TTL_MS + 300));
    const who = { userId: 'u-survey' };
    await stack.produce([
      identify(who, { email: 'u-survey@example.com' }),
      track(who, 'Order Completed', { order_id: 'o-asked', products: [product('tea', 4)] }),
    ]);
    const mail = await stack.smtp.waitFor((m) => m.subject === 'How was order o-asked?', 30000);
    await customerWithRunningSequences('u-survey');

    const three = /<a href="([^"]+)">3<\/a>/.exec(mail.html!)![1].replace('https://shop.example.com', stack.apiUrl);
    expect((await fetch(three)).status).toBe(200);
    const ended = await waitForStep(slow, 'u-survey', 0, 'suppressed', 'the reminder ended by the survey answer');
    expect(ended.reason).toBe('care:detractor');
    expect(await careOf('u-survey')).toEqual(expect.objectContaining({ signal: 'detractor' }));
    await stack.v1(`/rules/${survey.id}`, 'DELETE');
  });

  it('puts nobody in care with signals [], though the signal is still recorded', async () => {
    const who = await customerWithRunningSequences('u-care-off');
    const off = { rules: [], quietHours: null, defaultTimezone: 'UTC', care: { window: 'P14D', signals: [] } };
    expect((await stack.v1('/caps', 'PUT', off)).status).toBe(200);
    await stack.produce([track(who, 'Complaint Filed', { reason: 'rude courier' })]);
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM care_signals WHERE customer_id = 'u-care-off'`)).rowCount,
      20000,
      'the complaint recorded',
    );
    expect(await careOf('u-care-off')).toBeNull();
    expect(await stepOf(slow, 'u-care-off', 0)).toMatchObject({ status: 'scheduled' });
    expect(await stepOf(quick, 'u-care-off', 1)).toMatchObject({ status: 'scheduled' });
    // A care window opened before the signals were turned off holds nothing back either.
    expect(await careOf('u-complaint')).toBeNull();
  });
});
