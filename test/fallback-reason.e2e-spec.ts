import { Browser } from 'playwright-core';
import { RuleCache } from '../apps/engine/src/rules/rule-cache';
import { launchChromium } from './support/browser';
import { createRule, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

const OPS_KEY = 'test-ops-key';

interface DispatchView {
  id: string;
  customerId: string;
  channel: string | null;
  status: string;
  reason: string | null;
  fallbackReason?: string;
}

const step = (after: string, subject: string, channels: string[]) => ({
  after,
  channels,
  email: { subject, text: `${subject}. Unsubscribe: {{ unsubscribe_url }}` },
  webpush: { title: subject, body: '{{ cart.item_count }} items' },
});

/**
 * "Why push, not email?" on the real stack: a customer's one email of the 16 hours goes out, so the
 * next reminder falls back to web push, and the dispatch log, the dashboard (in a real Chromium) and
 * the rule preview all name the email cap and when it frees.
 */
describe('the reason a message went out on another channel', () => {
  let stack: Stack;
  let browser: Browser;
  let firstRule: string;
  let secondRule: string;

  const dispatchesOf = async (ruleId: string, customerId: string): Promise<DispatchView[]> => {
    const reply = await fetch(`${stack.apiUrl}/v1/dispatches?ruleId=${ruleId}&customerId=${customerId}`, {
      headers: { 'x-api-key': OPS_KEY },
    });
    expect(reply.status).toBe(200);
    return ((await reply.json()) as { items: DispatchView[] }).items;
  };
  const settledDispatch = (ruleId: string, customerId: string, what: string) =>
    eventually(async () => (await dispatchesOf(ruleId, customerId)).find((d) => d.status === 'sent'), 40000, what);

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startStack('fallback');
    const caps = await stack.v1('/caps', 'PUT', {
      rules: [{ channel: 'email', max: 1, per: 'PT16H' }],
      quietHours: null,
      defaultTimezone: 'UTC',
    });
    expect(caps.status).toBe(200);
    const rule = (name: string, steps: unknown[]) =>
      createRule(stack, { name, trigger: 'abandoned_cart', params: { minCartValue: 0 }, steps });
    firstRule = (await rule('First reminder', [step('PT1S', 'First reminder', ['email'])])).id;
    secondRule = (await rule('Second reminder', [step('PT4S', 'Second reminder', ['email', 'webpush'])])).id;
    // The engine's rule cache must see both rules before the carts arrive.
    await new Promise((resolve) => setTimeout(resolve, RuleCache.TTL_MS + 300));

    const bo = stack.push.subscribe('bo');
    const visitor = stack.push.subscribe('visitor');
    const subscribed = (who: { userId: string } | { anonymousId: string }, endpoint: typeof bo) =>
      track(who, 'Push Subscription Created', {
        endpoint: endpoint.endpoint,
        keys: endpoint.keys,
        expiration_time: null,
      });
    await stack.produce([
      identify({ userId: 'u-bo' }, { email: 'bo@example.com', first_name: 'Bo' }),
      subscribed({ userId: 'u-bo' }, bo),
      subscribed({ anonymousId: 'visitor-1' }, visitor),
      track({ userId: 'u-bo' }, 'Product Added', { cart_id: 'c-bo', ...product('mug', 9) }),
      track({ anonymousId: 'visitor-1' }, 'Product Added', { cart_id: 'c-visitor', ...product('mug', 9) }),
    ]);
    await stack.smtp.waitFor((m) => m.envelope.to.includes('bo@example.com'), 30000);
    await stack.push.waitFor((p) => p.subscriptionId === 'bo', 30000);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('logs the email cap and when it frees on the push that went instead, and nothing on the first email', async () => {
    const pushed = await settledDispatch(secondRule, 'u-bo', 'the second reminder sent');
    expect(pushed).toMatchObject({ channel: 'webpush', reason: null, fallbackReason: 'fallback:capped:email:16h' });

    // The cap frees 16 h after the first email counted: the figure is that wait from the decision, rounded up.
    const { rows } = await stack.db.query(
      `SELECT (SELECT cap_counted_at FROM dispatches WHERE rule_id = $1 AND customer_id = 'u-bo') AS counted,
              (SELECT cap_counted_at FROM dispatches WHERE rule_id = $2 AND customer_id = 'u-bo') AS decided`,
      [firstRule, secondRule],
    );
    const waitedMs = rows[0].decided.getTime() - rows[0].counted.getTime();
    expect(waitedMs).toBeGreaterThan(0);
    expect(waitedMs).toBeLessThan(3_600_000);

    const email = await settledDispatch(firstRule, 'u-bo', 'the first email sent');
    expect(email).toMatchObject({ channel: 'email', reason: null });
    expect('fallbackReason' in email).toBe(false);
  });

  it('logs a missing address as the reason an anonymous visitor got a push', async () => {
    const pushed = await settledDispatch(secondRule, 'anon:visitor-1', 'the visitor’s push');
    expect(pushed).toMatchObject({ channel: 'webpush', fallbackReason: 'fallback:no_address:email' });
    const [suppressed] = await dispatchesOf(firstRule, 'anon:visitor-1');
    expect(suppressed).toMatchObject({ status: 'suppressed', reason: 'no_address' });
    expect('fallbackReason' in suppressed).toBe(false);
  });

  it('previews the step as the engine would send it now: push, because email is capped', async () => {
    const preview = await stack.v1(`/rules/${secondRule}/preview`, 'POST', { customerId: 'u-bo', step: 1 });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({
      channel: 'webpush',
      reason: null,
      fallbackReason: 'fallback:capped:email:16h',
    });
    const capped = await stack.v1(`/rules/${firstRule}/preview`, 'POST', { customerId: 'u-bo', step: 1 });
    expect(capped.json).toMatchObject({ channel: null, reason: 'capped:email:16h', fallbackReason: null });

    const document = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as any;
    expect(document.components.schemas.Dispatch.properties.fallbackReason.type).toBe('string');
    expect(document.components.schemas.RulePreview.required).toContain('fallbackReason');
  });

  it('shows the fallback reason in the dashboard’s dispatch log', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const settled = () =>
      page.waitForFunction(() => (globalThis as any).document.documentElement.dataset.pending === '0');
    await page.goto(`${stack.apiUrl}/dashboard`);
    await page.fill('#api-key', OPS_KEY);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dashboard', { state: 'visible' });
    await settled();
    await page.fill('#log-filters [name=customerId]', 'u-bo');
    await page.click('#log-filters button[type=submit]');
    await settled();

    const header = await page.$$eval('#log-table thead th', (cells) => cells.map((cell) => cell.textContent));
    const column = header.indexOf('Fallback');
    expect(column).toBeGreaterThan(header.indexOf('Reason'));
    const rows = await page.$$eval('#log-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    );
    const byChannel = Object.fromEntries(rows.map((cells) => [cells[4], cells[column]]));
    expect(byChannel).toEqual({ webpush: 'fallback:capped:email:16h', email: '' });
    await page.close();
  });
});
