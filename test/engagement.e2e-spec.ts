import { launchChromium } from './support/browser';
import { createRule, settle, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

const links = (html: string): string[] => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

/**
 * Opens and clicks on the real stack (CONTRACT §6): the email's links and the push url go through
 * GET /c/{token}, which redirects and records the click on its dispatch through Kafka and the
 * engine; the pixel records the open; forged links record nothing; a rule may turn link tracking
 * off; and a last_click rule's order goes to the message clicked, not to the later one sent.
 */
describe('opens, clicks and last-click attribution, end to end', () => {
  let stack: Stack;
  let trackedRuleId: string;
  /** Tracked links name the public base; the test reaches the same paths on its own API. */
  const local = (url: string): string => url.replace(stack.config.PUBLIC_BASE_URL, stack.apiUrl);
  const get = (url: string) => fetch(local(url), { redirect: 'manual' });
  const engagementOf = async (ruleId: string, customerId: string) => {
    const { rows } = await stack.db.query(
      `SELECT id, step, channel, status, opened_at, clicked_at, clicks FROM dispatches
        WHERE rule_id = $1 AND customer_id = $2 ORDER BY step`,
      [ruleId, customerId],
    );
    return rows;
  };

  beforeAll(async () => {
    stack = await startStack('engagement');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('documents the tracked link, the pixel and the rule fields in OpenAPI', async () => {
    const document = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as any;
    expect(Object.keys(document.paths['/c/{token}'].get.responses)).toEqual(expect.arrayContaining(['302', '404']));
    expect(Object.keys(document.paths['/o/{token}'].get.responses)).toEqual(expect.arrayContaining(['200', '404']));
    expect(JSON.stringify(document.components.schemas)).toContain('last_click');
    expect(document.components.schemas.Dispatch.properties).toHaveProperty('clickedAt');
  });

  it('leaves links alone when the rule turns click tracking off, and still adds the pixel', async () => {
    const { id } = await createRule(stack, {
      name: 'Untracked links',
      trigger: 'abandoned_cart',
      quietHours: null,
      caps: { exempt: true },
      tracking: { clicks: false },
      steps: [
        {
          after: 'PT1S',
          channels: ['email'],
          email: {
            subject: 'Your cart',
            html: '<html><body><a href="https://store.example/cart">Cart</a></body></html>',
          },
        },
      ],
    });
    expect((await stack.v1(`/rules/${id}`)).json.tracking).toEqual({ clicks: false });
    await stack.produce([
      identify({ userId: 'bob' }, { email: 'bob@example.com' }),
      track({ userId: 'bob' }, 'Product Added', { cart_id: 'cart-bob', ...product('mug', 9) }),
    ]);
    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('bob@example.com'), 30000);
    expect(links(mail.html!)).toEqual(['https://store.example/cart']);
    expect(mail.html).toMatch(/<img src="https:\/\/shop\.example\.com\/o\/[\w.-]+"/);
    expect((await stack.v1(`/rules/${id}`, 'PATCH', { enabled: false })).status).toBe(200);
  });

  it('tracks clicks and opens of the email and the push, 404s forgeries, and credits the clicked message', async () => {
    const subscription = stack.push.subscribe('alice-browser');
    const { id: ruleId } = await createRule(stack, {
      name: 'Tracked cart reminder',
      trigger: 'abandoned_cart',
      quietHours: null,
      caps: { exempt: true },
      attribution: { model: 'last_click' },
      steps: [
        {
          after: 'PT1S',
          channels: ['email'],
          email: {
            subject: 'Your cart',
            html:
              '<html><body><p>Hi</p><a href="https://store.example/cart?id=cart-alice&amp;utm=mail">Back to the cart</a>' +
              '<a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>',
          },
        },
        {
          after: 'PT3S',
          channels: ['webpush'],
          webpush: { title: 'Still there?', body: 'Your cart', url: 'https://store.example/cart?id=cart-alice' },
        },
      ],
    });
    trackedRuleId = ruleId;
    await stack.produce([
      identify({ userId: 'alice' }, { email: 'alice@example.com' }),
      track({ userId: 'alice' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
        expiration_time: null,
      }),
      track({ userId: 'alice' }, 'Product Added', { cart_id: 'cart-alice', ...product('beans', 20) }),
    ]);
    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('alice@example.com'), 30000);
    const [cartLink, unsubscribeLink] = links(mail.html!);
    expect(cartLink).toMatch(/^https:\/\/shop\.example\.com\/c\/[\w-]+\.[\w-]+$/);
    expect(unsubscribeLink).toMatch(/^https:\/\/shop\.example\.com\/u\//);
    const [first] = await engagementOf(ruleId, 'alice');
    expect(first).toMatchObject({ step: 0, opened_at: null, clicked_at: null, clicks: 0 });

    // A forged token, and the real one with its signature altered: 404, nothing recorded.
    const [body, signature] = cartLink.split('/c/')[1].split('.');
    const evil = Buffer.from(JSON.stringify({ d: first.id, u: 'https://evil.example/' })).toString('base64url');
    expect((await get(`${stack.apiUrl}/c/${evil}.${signature}`)).status).toBe(404);
    expect((await get(`${stack.apiUrl}/c/${body}.${signature.slice(0, -2)}xx`)).status).toBe(404);
    expect((await get(`${stack.apiUrl}/o/${body}.${signature}`)).status).toBe(404);

    const click = await get(cartLink);
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://store.example/cart?id=cart-alice&utm=mail');
    expect((await get(cartLink)).status).toBe(302);
    const pixelUrl = /<img src="([^"]+)"/.exec(mail.html!)![1];
    const pixel = await get(pixelUrl);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect(
      Buffer.from(await pixel.arrayBuffer())
        .subarray(0, 6)
        .toString(),
    ).toBe('GIF89a');

    const clicked = await eventually(
      async () => {
        const [row] = await engagementOf(ruleId, 'alice');
        return row.clicks === 2 && row.opened_at !== null ? row : undefined;
      },
      30000,
      'the clicks and the open on the email dispatch',
    );
    expect(clicked.clicked_at).toBeInstanceOf(Date);
    await settle(500);
    // The forgeries counted nothing: two clicks, the two real ones.
    expect((await engagementOf(ruleId, 'alice'))[0].clicks).toBe(2);

    // The push of step 2: its url goes through /c/ for its own dispatch, which carries its id.
    const push = await stack.push.waitFor((p) => p.subscriptionId === 'alice-browser', 30000);
    const payload = push.json as { url: string; dispatchId: string };
    const [, second] = await eventually(async () => {
      const rows = await engagementOf(ruleId, 'alice');
      return rows.length === 2 && rows[1].status === 'sent' ? rows : undefined;
    }, 30000);
    expect(payload.dispatchId).toBe(second.id);
    expect(payload.url).toMatch(/^https:\/\/shop\.example\.com\/c\//);

    // Last click: the order goes to the clicked email, not to the push sent after it and not clicked.
    await stack.produce([
      track({ userId: 'alice' }, 'Order Completed', {
        order_id: 'order-alice',
        cart_id: 'cart-alice',
        total: 20,
        currency: 'EUR',
        products: [],
      }),
    ]);
    const conversion = await eventually(async () => {
      const { rows } = await stack.db.query(`SELECT dispatch_id, step FROM conversions WHERE order_id = 'order-alice'`);
      return rows[0];
    }, 30000);
    expect(conversion).toEqual({ dispatch_id: first.id, step: 0 });

    // The push link redirects too, and counts on the push's dispatch.
    const pushClick = await get(payload.url);
    expect(pushClick.status).toBe(302);
    expect(pushClick.headers.get('location')).toBe('https://store.example/cart?id=cart-alice');
    await eventually(async () => ((await engagementOf(ruleId, 'alice'))[1].clicks === 1 ? true : undefined), 30000);
    const list = await stack.v1(`/dispatches?ruleId=${ruleId}&customerId=alice`);
    const byStep = new Map(list.json.items.map((d: { step: number }) => [d.step, d]));
    expect(byStep.get(1)).toMatchObject({ openedAt: expect.any(String), clickedAt: expect.any(String), clicks: 2 });
    expect(byStep.get(2)).toMatchObject({ clickedAt: expect.any(String), clicks: 1 });
    expect(byStep.get(2)).not.toHaveProperty('openedAt');

    const stats = await stack.v1(`/dispatches/stats?ruleId=${ruleId}`);
    const [rule] = stats.json.rules;
    expect(rule).toMatchObject({ sent: 2, opened: 1, clicked: 2, openRate: 0.5, clickRate: 1 });
    expect(
      rule.steps.map(({ step, opened, clicked, openRate, clickRate }: Record<string, number>) => ({
        step,
        opened,
        clicked,
        openRate,
        clickRate,
      })),
    ).toEqual([
      { step: 1, opened: 1, clicked: 1, openRate: 1, clickRate: 1 },
      { step: 2, opened: 0, clicked: 1, openRate: 0, clickRate: 1 },
    ]);
  });

  it('shows the opens, clicks and their rates per rule and step on the dashboard, in Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${stack.apiUrl}/dashboard`);
      await page.fill('#api-key', 'test-ops-key');
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#dashboard', { state: 'visible' });
      await page.waitForFunction(() => (globalThis as any).document.documentElement.dataset.pending === '0');
      const cells = async (row: string) =>
        Object.fromEntries(
          await Promise.all(
            ['opened', 'openRate', 'clicked', 'clickRate'].map(async (field) => [
              field,
              await page.locator(`${row} [data-field=${field}]`).textContent(),
            ]),
          ),
        );
      const ruleRow = `#funnel-table tr[data-rule-id="${trackedRuleId}"]`;
      expect(await cells(ruleRow)).toEqual({ opened: '1', openRate: '50.0 %', clicked: '2', clickRate: '100.0 %' });
      expect(await cells(`${ruleRow} + tr.step-row`)).toEqual({
        opened: '1',
        openRate: '100.0 %',
        clicked: '1',
        clickRate: '100.0 %',
      });
      expect(await cells(`${ruleRow} + tr.step-row + tr.step-row`)).toEqual({
        opened: '0',
        openRate: '0.0 %',
        clicked: '1',
        clickRate: '100.0 %',
      });
    } finally {
      await browser.close();
    }
  });
});
