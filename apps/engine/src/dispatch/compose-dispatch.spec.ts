import { EmailDispatchMessage, WebPushDispatchMessage } from '@beckon/contracts';
import { Channel, Rule, validateRule } from '@beckon/rules';
import { Recipient } from '@beckon/template-context';
import { ComposeInput, Composition, composeDispatch, DeliveryLimits, NO_LIMITS } from './compose-dispatch';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const subscription = {
  endpoint: 'https://push.example.com/send/abc',
  keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA', auth: 'tBHItJI5svbpez7K' },
};

function ruleWith(steps: unknown[]): Rule {
  const result = validateRule({ name: 'Cart reminder', trigger: 'abandoned_cart', steps });
  if (!result.ok) throw new Error(`fixture rule refused: ${JSON.stringify(result.errors)}`);
  return { ...result.rule, id: 'rule-1', createdAt: NOW, updatedAt: NOW };
}

const reminderStep = (channels: Channel[] = ['email', 'webpush']) => ({
  after: 'PT1H',
  channels,
  email: {
    subject: '{{ customer.first_name }}, your\n cart is waiting',
    html: '<p>{{ cart.items | size }} × {{ cart.items[0].name }}</p><a href="{{ unsubscribe_url }}">stop</a>',
    text: '{{ cart.items[0].name }} - {{ unsubscribe_url }}',
  },
  webpush: {
    title: 'Still thinking, {{ customer.first_name }}?',
    body: '{{ cart.items | size }} items',
    url: '{{ cart.url }}',
  },
});

const known = (over: Partial<Recipient> = {}): Recipient => ({
  id: 'u1',
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  locale: 'en-GB',
  timezone: 'Europe/London',
  birthday: null,
  traits: { vip: true, first_name: 'ignored-by-column' },
  emailConsent: true,
  emailUndeliverable: false,
  webpushConsent: true,
  subscriptions: [],
  ...over,
});

const anonymous = (over: Partial<Recipient> = {}): Recipient =>
  known({
    id: 'anon:a1',
    email: null,
    firstName: null,
    lastName: null,
    traits: {},
    subscriptions: [subscription],
    ...over,
  });

function input(over: Partial<ComposeInput> = {}): ComposeInput {
  return {
    dispatchId: 'd-1',
    rule: ruleWith([reminderStep(), { ...reminderStep(), after: 'P1D' }]),
    stepIndex: 0,
    occasion: 'cart-1',
    recipient: known(),
    context: { cart: { items: [{ name: 'Mug <b>' }, { name: 'Tea' }], url: 'https://shop.example/cart' } },
    correlationId: 'corr-1',
    unsubscribeUrl: (customerId, channel) => `https://beckon.example/u/${customerId}-${channel}`,
    now: NOW,
    limits: NO_LIMITS,
    ...over,
  };
}

function sent(composition: Composition) {
  if (composition.kind !== 'send') throw new Error(`expected a send, got ${JSON.stringify(composition)}`);
  return composition;
}

describe('composeDispatch', () => {
  it('renders an email for a reachable, consenting customer, with the unsubscribe link', () => {
    const result = sent(composeDispatch(input()));
    expect(result.channel).toBe('email');
    const message = result.message as EmailDispatchMessage;
    expect(message).toEqual({
      dispatchId: 'd-1',
      ruleId: 'rule-1',
      customerId: 'u1',
      step: 1,
      correlationId: 'corr-1',
      createdAt: '2025-06-01T12:00:00.000Z',
      channel: 'email',
      to: 'ada@example.com',
      subject: 'Ada, your cart is waiting',
      html: '<p>2 × Mug &lt;b&gt;</p><a href="https://beckon.example/u/u1-email">stop</a>',
      text: 'Mug <b> - https://beckon.example/u/u1-email',
      unsubscribeUrl: 'https://beckon.example/u/u1-email',
    });
  });

  it('numbers the step from one in the message', () => {
    expect(sent(composeDispatch(input({ stepIndex: 1 }))).message.step).toBe(2);
  });

  it('uses the profile columns for customer data over same-named traits, and exposes other traits', () => {
    const rule = ruleWith([
      {
        after: 'PT1H',
        channels: ['email'],
        email: { subject: '{{ customer.first_name }}/{{ customer.vip }}/{{ customer.id }}', text: 'x' },
      },
    ]);
    expect((sent(composeDispatch(input({ rule }))).message as EmailDispatchMessage).subject).toBe('Ada/true/u1');
  });

  it('lets trigger context not override the customer or the unsubscribe link', () => {
    const rule = ruleWith([
      {
        after: 'PT1H',
        channels: ['email'],
        email: { subject: '{{ customer.first_name }} {{ unsubscribe_url }}', text: 'x' },
      },
    ]);
    const context = { customer: { first_name: 'Mallory' }, unsubscribe_url: 'https://evil.example' };
    expect((sent(composeDispatch(input({ rule, context }))).message as EmailDispatchMessage).subject).toBe(
      'Ada https://beckon.example/u/u1-email',
    );
  });

  it('sends web push to an anonymous visitor who only has a push subscription', () => {
    const result = sent(composeDispatch(input({ recipient: anonymous() })));
    expect(result.channel).toBe('webpush');
    const message = result.message as WebPushDispatchMessage;
    expect(message).toEqual({
      dispatchId: 'd-1',
      ruleId: 'rule-1',
      customerId: 'anon:a1',
      step: 1,
      correlationId: 'corr-1',
      createdAt: '2025-06-01T12:00:00.000Z',
      channel: 'webpush',
      subscriptions: [subscription],
      notification: { title: 'Still thinking, ?', body: '2 items', url: 'https://shop.example/cart' },
      ttlSeconds: 86400,
      urgency: 'normal',
      topic: 'rule-1:cart-1',
    });
  });

  it('gives every step of one sequence the same push topic', () => {
    const first = sent(composeDispatch(input({ recipient: anonymous(), stepIndex: 0 })))
      .message as WebPushDispatchMessage;
    const second = sent(composeDispatch(input({ recipient: anonymous(), stepIndex: 1 })))
      .message as WebPushDispatchMessage;
    expect(second.topic).toBe(first.topic);
    expect(second.step).toBe(2);
  });

  it('falls through to web push when the customer unsubscribed from email', () => {
    const recipient = known({ emailConsent: false, subscriptions: [subscription] });
    expect(sent(composeDispatch(input({ recipient }))).channel).toBe('webpush');
  });

  it('respects the step preference order', () => {
    const rule = ruleWith([reminderStep(['webpush', 'email'])]);
    const recipient = known({ subscriptions: [subscription] });
    expect(sent(composeDispatch(input({ rule, recipient }))).channel).toBe('webpush');
  });

  it('asks for the unsubscribe link of the chosen channel', () => {
    const asked: Array<[string, Channel]> = [];
    composeDispatch(
      input({
        recipient: anonymous(),
        unsubscribeUrl: (customerId, channel) => {
          asked.push([customerId, channel]);
          return 'https://beckon.example/u/t';
        },
      }),
    );
    expect(asked).toEqual([['anon:a1', 'webpush']]);
  });

  it('suppresses with the reason when no channel can be used', () => {
    expect(composeDispatch(input({ recipient: anonymous({ subscriptions: [] }) }))).toEqual({
      kind: 'suppress',
      reason: 'email:no_address,webpush:no_subscription',
    });
    expect(composeDispatch(input({ rule: ruleWith([reminderStep(['email'])]), recipient: anonymous() }))).toEqual({
      kind: 'suppress',
      reason: 'no_address',
    });
    expect(composeDispatch(input({ recipient: known({ emailConsent: false }) }))).toEqual({
      kind: 'suppress',
      reason: 'email:unsubscribed,webpush:no_subscription',
    });
  });

  it('treats a hard-bounced address as unreachable, reason undeliverable, and falls through to web push', () => {
    const bounced = known({ emailUndeliverable: true });
    const emailOnly = ruleWith([reminderStep(['email'])]);
    expect(composeDispatch(input({ rule: emailOnly, recipient: bounced }))).toEqual({
      kind: 'suppress',
      reason: 'undeliverable',
    });
    expect(composeDispatch(input({ recipient: bounced }))).toEqual({
      kind: 'suppress',
      reason: 'email:undeliverable,webpush:no_subscription',
    });
    expect(
      sent(composeDispatch(input({ recipient: known({ emailUndeliverable: true, subscriptions: [subscription] }) })))
        .channel,
    ).toBe('webpush');
  });

  it('suppresses with no_subscription for a push-only step and a customer with only an email', () => {
    const rule = ruleWith([reminderStep(['webpush'])]);
    expect(composeDispatch(input({ rule }))).toEqual({ kind: 'suppress', reason: 'no_subscription' });
  });

  it('suppresses with template_error when a validated template fails at render time', () => {
    // Valid syntax, so the rule passes validation; url_decode throws on the "%" of the product name.
    const rule = ruleWith([
      {
        after: 'PT1H',
        channels: ['email'],
        email: { subject: 'About {{ cart.items[0].name | url_decode }}', text: 'x' },
      },
    ]);
    const context = { cart: { items: [{ name: '100% cotton' }] } };
    const result = composeDispatch(input({ rule, context }));
    expect(result.kind).toBe('suppress');
    expect(result.kind === 'suppress' && result.reason).toMatch(/^template_error:.+/);
    expect(result.kind === 'suppress' && result.reason.length).toBeLessThanOrEqual('template_error:'.length + 120);
  });

  describe('with caps and quiet hours', () => {
    const capped =
      (caps: Partial<Record<Channel, string>>): DeliveryLimits['capReason'] =>
      (channel) =>
        caps[channel] ?? null;
    const morning = new Date('2025-06-02T07:00:00.000Z');

    it('sends on the next channel within caps', () => {
      const recipient = known({ subscriptions: [subscription] });
      const limits = { quietUntil: null, capReason: capped({ email: 'capped:email:16h' }) };
      expect(sent(composeDispatch(input({ recipient, limits }))).channel).toBe('webpush');
    });

    it('records why the preferred channel was passed over: the cap and when it frees', () => {
      const recipient = known({ subscriptions: [subscription] });
      const limits: DeliveryLimits = {
        quietUntil: null,
        capReason: capped({ email: 'capped:email:16h' }),
        capFreesInMs: (channel) => (channel === 'email' ? 16 * 3_600_000 - 1000 : null),
      };
      expect(sent(composeDispatch(input({ recipient, limits })))).toMatchObject({
        channel: 'webpush',
        fallbackReason: 'fallback:capped:email:16h',
      });
    });

    it('records no fallback reason when the step goes out on its first channel', () => {
      const recipient = known({ subscriptions: [subscription] });
      const limits = { quietUntil: null, capReason: capped({ webpush: 'capped:webpush:1d' }) };
      expect(sent(composeDispatch(input({ recipient, limits })))).toMatchObject({
        channel: 'email',
        fallbackReason: null,
      });
    });

    it('records a missing address or an opt-out as the fallback reason too', () => {
      expect(sent(composeDispatch(input({ recipient: anonymous() }))).fallbackReason).toBe('fallback:no_address:email');
      const optedOut = known({ emailConsent: false, subscriptions: [subscription] });
      expect(sent(composeDispatch(input({ recipient: optedOut }))).fallbackReason).toBe('fallback:unsubscribed:email');
    });

    it('suppresses with the cap of the preferred channel when no channel is within caps', () => {
      const limits = { quietUntil: null, capReason: capped({ email: 'capped:email:16h' }) };
      expect(composeDispatch(input({ limits }))).toEqual({ kind: 'suppress', reason: 'capped:email:16h' });
    });

    it('defers to the end of quiet hours, and judges caps only when the message can go', () => {
      const asked: Channel[] = [];
      const limits: DeliveryLimits = {
        quietUntil: morning,
        capReason: (channel) => {
          asked.push(channel);
          return 'capped:email:16h';
        },
      };
      expect(composeDispatch(input({ limits }))).toEqual({ kind: 'defer', until: morning, reason: 'quiet_hours' });
      expect(asked).toEqual([]);
    });

    it('suppresses at once, even in quiet hours, a customer no channel can reach', () => {
      const limits = { quietUntil: morning, capReason: capped({}) };
      expect(composeDispatch(input({ recipient: anonymous({ subscriptions: [] }), limits }))).toEqual({
        kind: 'suppress',
        reason: 'email:no_address,webpush:no_subscription',
      });
    });
  });
});

describe('composeDispatch in the care window', () => {
  it('suppresses a step with the care reason and ends its sequence, before quiet hours and caps', () => {
    const limits: DeliveryLimits = {
      careReason: 'care:refund',
      quietUntil: new Date(NOW.getTime() + 3_600_000),
      capReason: () => 'capped:email:16h',
    };
    expect(composeDispatch(input({ limits }))).toEqual({ kind: 'suppress', reason: 'care:refund', endsSequence: true });
    expect(composeDispatch(input({ limits, recipient: known({ email: null }) }))).toEqual(
      expect.objectContaining({ reason: 'care:refund' }),
    );
  });

  it('sends as usual when the care gate says nothing', () => {
    expect(sent(composeDispatch(input({ limits: { ...NO_LIMITS, careReason: null } }))).channel).toBe('email');
  });
});
