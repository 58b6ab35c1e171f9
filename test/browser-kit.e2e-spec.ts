import { Browser, BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { freePort } from './faults/free-port';
import { launchChromium } from './support/browser';
import { PushSubscriptionJSON } from './support/push-endpoint';
import { createRule, Stack, startStack } from './support/stack';
import { eventually, product } from './support/storefront';
import { startTestShop, TestShop } from './support/test-shop';

const SOURCE_KEY = 'test-source-key';

/**
 * Stands in for the push service the browser would subscribe at (none is reachable here): the
 * page's PushManager answers with a subscription at the test push endpoint, made with the key the
 * page asked for, so Beckon's real deliveries reach that endpoint and can be decrypted there.
 */
function stubPushManager(subscription: PushSubscriptionJSON): void {
  const w = globalThis as any;
  const stored = 'test.pushKey';
  const make = (key: ArrayBuffer) => ({
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { applicationServerKey: key, userVisibleOnly: true },
    toJSON: () => subscription,
    unsubscribe: async () => {
      w.localStorage.removeItem(stored);
      return true;
    },
  });
  const bytes = (key: string) => Uint8Array.from(w.atob(key), (c: string) => c.charCodeAt(0)).buffer;
  w.PushManager.prototype.subscribe = async function (options: { applicationServerKey: Uint8Array }) {
    const key = new Uint8Array(options.applicationServerKey).buffer;
    w.localStorage.setItem(stored, w.btoa(String.fromCharCode(...new Uint8Array(key))));
    return make(key);
  };
  w.PushManager.prototype.getSubscription = async function () {
    const key = w.localStorage.getItem(stored);
    return key === null ? null : make(bytes(key));
  };
  // Counted, so the test sees the browser's own prompt is asked for only after the soft one.
  w.permissionRequests = 0;
  const request = w.Notification.requestPermission.bind(w.Notification);
  w.Notification.requestPermission = () => {
    w.permissionRequests++;
    return request();
  };
}

/**
 * The browser kit in a real headless Chromium: a shop on its own origin loads beckon.js from Beckon,
 * its events arrive through /v1/batch, the visitor subscribes to push through the soft prompt and the
 * one-line worker file, and a push Beckon really sent is shown by the worker and opens its link.
 */
describe('browser kit in a browser', () => {
  let stack: Stack;
  let shop: TestShop;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let subscription: PushSubscriptionJSON;
  const batches: Array<{ status: number; body: any }> = [];
  const problems: string[] = [];

  const watch = (watched: Page) => {
    watched.on('pageerror', (error) => problems.push(error.message));
    watched.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    watched.on('response', async (response) => {
      if (!response.url().endsWith('/v1/batch') || response.request().method() !== 'POST') return;
      batches.push({ status: response.status(), body: response.request().postDataJSON() });
    });
  };
  const sent = (event: string) =>
    batches.flatMap((batch) => batch.body.batch).filter((message: any) => message.event === event);

  beforeAll(async () => {
    browser = await launchChromium();
    shop = await startTestShop();
    const apiPort = await freePort();
    stack = await startStack(
      'browser_kit',
      {
        API_KEYS: `marketer:test-marketer-key,ops:test-ops-key,source:${SOURCE_KEY}`,
        CORS_ORIGINS: shop.origin,
        PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      },
      { apiPort },
    );
    shop.useBeckon({ host: stack.apiUrl, writeKey: SOURCE_KEY });
    subscription = stack.push.subscribe('browser');
    context = await browser.newContext();
    await context.addInitScript(stubPushManager, subscription);
    page = await context.newPage();
    watch(page);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await shop?.close();
  });

  it('serves the kit with no key, as scripts, cached briefly', async () => {
    for (const file of ['beckon.js', 'sw.js']) {
      const response = await fetch(`${stack.apiUrl}/sdk/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toMatch(/^public, max-age=300/);
      expect(response.headers.get('etag')).toBeTruthy();
      expect((await response.text()).length).toBeLessThan(20_000);
    }
    expect((await fetch(`${stack.apiUrl}/sdk/other.js`)).status).toBe(404);
    const key = await fetch(`${stack.apiUrl}/v1/webpush/public-key`);
    expect(key.status).toBe(200);
    expect(await key.json()).toEqual({ publicKey: stack.config.VAPID_PUBLIC_KEY });
    const { paths } = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as { paths: Record<string, any> };
    expect(paths['/sdk/{file}'].get.security).toBeUndefined();
    expect(paths['/v1/webpush/public-key'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/WebPushPublicKey',
    });
  });

  it('asks softly first and never again after the visitor declines', async () => {
    const other = await browser.newContext();
    await other.addInitScript(stubPushManager, subscription);
    const visitor = await other.newPage();
    watch(visitor);
    await visitor.goto(`${shop.origin}/`);
    const answer = visitor.evaluate(() => (globalThis as any).beckon.push.prompt({ text: 'News about your cart?' }));
    await visitor.waitForSelector('.beckon-push-prompt');
    expect(await visitor.textContent('.beckon-push-prompt p')).toBe('News about your cart?');
    await visitor.click('[data-beckon=decline]');
    expect(await answer).toBe('declined');

    await visitor.reload();
    expect(await visitor.evaluate(() => (globalThis as any).beckon.push.prompt())).toBe('declined');
    expect(await visitor.$('.beckon-push-prompt')).toBeNull();
    expect(await visitor.evaluate(() => (globalThis as any).permissionRequests)).toBe(0);
    await other.close();
  });

  it('identifies, subscribes through the soft prompt and tracks; a cart reminder is shown and its click opens the link', async () => {
    const productUrl = `${shop.origin}/p/mug`;
    const rule = await createRule(stack, {
      name: 'Cart reminder by push',
      trigger: 'abandoned_cart',
      params: { minCartValue: 0 },
      steps: [
        {
          after: 'PT2S',
          channels: ['webpush'],
          webpush: {
            title: 'Still thinking, {{ customer.first_name }}?',
            body: '{{ cart.item_count }} item in your cart',
            url: '{{ cart.url }}',
            image: '{{ cart.items[0].image_url }}',
            tag: 'cart-{{ cart.id }}',
            actions: [
              { title: 'Open my cart', url: `${shop.origin}/p/cart` },
              { title: 'See {{ cart.items[0].name }}', url: '{{ cart.items[0].url }}?button=2' },
            ],
          },
        },
      ],
    });

    await page.goto(`${shop.origin}/`);
    const anonymousId = await page.evaluate(() => (globalThis as any).beckon.anonymousId());
    await page.evaluate(() =>
      (globalThis as any).beckon.identify('u-bea', { email: 'bea@example.com', first_name: 'Bea' }),
    );

    // The soft prompt, then the browser's (granted here: headless Chromium shows no permission UI).
    const answer = page.evaluate(() => (globalThis as any).beckon.push.prompt());
    await page.waitForSelector('.beckon-push-prompt');
    expect(await page.evaluate(() => (globalThis as any).permissionRequests)).toBe(0);
    await context.grantPermissions(['notifications'], { origin: shop.origin });
    await page.click('[data-beckon=accept]');
    expect(await answer).toBe('granted');
    expect(await page.evaluate(() => (globalThis as any).permissionRequests)).toBe(1);
    expect(shop.requests).toContain('/beckon-sw.js');

    const mug = product('mug', 9, { url: productUrl, name: 'Mug', image_url: `${shop.origin}/img/mug.jpg` });
    await page.evaluate((properties) => (globalThis as any).beckon.track('Product Viewed', properties), mug);
    await page.evaluate(
      (properties) => (globalThis as any).beckon.track('Product Added', { cart_id: 'c-bea', ...properties }),
      mug,
    );
    await page.evaluate(() => (globalThis as any).beckon.flush());

    // Everything went through /v1/batch in Segment's shape, with the source key and one anonymousId.
    await eventually(async () => sent('Product Added').length === 1, 10_000, 'the cart addition to be sent');
    expect(batches.every((batch) => batch.status === 200)).toBe(true);
    expect(batches.every((batch) => batch.body.writeKey === SOURCE_KEY)).toBe(true);
    const messages = batches.flatMap((batch) => batch.body.batch);
    expect(messages.map((message: any) => message.type)).toEqual(['identify', 'track', 'track', 'track']);
    expect(new Set(messages.map((message: any) => message.anonymousId))).toEqual(new Set([anonymousId]));
    expect(sent('Push Subscription Created')[0]).toMatchObject({
      userId: 'u-bea',
      properties: { endpoint: subscription.endpoint, keys: subscription.keys },
    });
    expect(sent('Product Viewed')[0]).toMatchObject({ userId: 'u-bea', properties: { product_id: 'mug' } });

    // Beckon projected them and sent a real push to the subscription the browser reported.
    await eventually(async () => {
      const { rows } = await stack.db.query(`SELECT customer_id FROM push_subscriptions WHERE endpoint = $1`, [
        subscription.endpoint,
      ]);
      return rows[0]?.customer_id === 'u-bea';
    });
    const received = await stack.push.waitFor((push) => push.subscriptionId === 'browser', 30_000);
    const payload = received.json as any;
    const dispatches = await eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT id FROM dispatches WHERE rule_id = $1 AND customer_id = 'u-bea' AND status = 'sent'`,
        [rule.id],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(dispatches).toHaveLength(1);
    expect(payload).toMatchObject({
      title: 'Still thinking, Bea?',
      body: '1 item in your cart',
      image: `${shop.origin}/img/mug.jpg`,
      dispatchId: dispatches[0].id,
    });
    expect(payload.actions.map((action: any) => [action.action, action.title])).toEqual([
      ['action-1', 'Open my cart'],
      ['action-2', 'See Mug'],
    ]);
    expect(payload.tag).toBe('cart-c-bea');
    // Its links are Beckon's signed redirects, each for this dispatch.
    const tracked = `${stack.config.PUBLIC_BASE_URL}/c/`;
    expect(payload.url.startsWith(tracked)).toBe(true);
    expect(payload.actions.every((action: any) => action.url.startsWith(tracked))).toBe(true);

    // That payload, delivered to the worker through the DevTools protocol, is shown.
    const cdp: CDPSession = await context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
    await cdp.send('ServiceWorker.enable');
    const registration = await eventually(
      async () => registrations.find((r) => r.scopeURL === `${shop.origin}/` && !r.isDeleted),
      10_000,
      'the service worker registration',
    );
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: shop.origin,
      registrationId: registration.registrationId,
      data: received.payload,
    });
    const shown = await eventually(
      () =>
        page.evaluate(async () => {
          const worker = await (globalThis as any).navigator.serviceWorker.ready;
          const notifications = await worker.getNotifications();
          return notifications.length === 0
            ? undefined
            : notifications.map((n: any) => ({
                title: n.title,
                body: n.body,
                image: n.image,
                tag: n.tag,
                actions: n.actions.map((a: any) => ({ action: a.action, title: a.title })),
              }));
        }),
      10_000,
      'the notification to be shown',
    );
    expect(shown).toEqual([
      {
        title: 'Still thinking, Bea?',
        body: '1 item in your cart',
        image: `${shop.origin}/img/mug.jpg`,
        tag: payload.tag,
        actions: [
          { action: 'action-1', title: 'Open my cart' },
          { action: 'action-2', title: 'See Mug' },
        ],
      },
    ]);

    // A click on the second button opens that button's own link. The page is reloaded first so the
    // worker controls it: a click handled without a real click's activation sends an open tab there.
    await page.reload();
    const worker: Worker = await eventually(
      async () => context.serviceWorkers().find((w) => w.url().endsWith('/beckon-sw.js')),
      10_000,
      'the service worker',
    );
    await worker.evaluate(async () => {
      const scope = globalThis as any;
      const [notification] = await scope.registration.getNotifications();
      await scope.beckonWorker.handleClick(notification, 'action-2');
    });
    await shop.waitForRequest('/p/mug?button=2');
    // The worker went through the tracked redirect: the click is recorded on that dispatch.
    const clicked = await eventually(
      async () => {
        const { rows } = await stack.db.query(`SELECT clicks, clicked_at FROM dispatches WHERE id = $1`, [
          payload.dispatchId,
        ]);
        return rows[0]?.clicks === 1 ? rows[0] : undefined;
      },
      15_000,
      'the click to be recorded',
    );
    expect(clicked.clicked_at).toBeInstanceOf(Date);
    const logged = await stack.v1(`/dispatches?ruleId=${rule.id}`);
    expect(logged.json.items[0]).toMatchObject({ id: payload.dispatchId, clickedAt: expect.any(String) });
    expect(
      await page.evaluate(async () => (await (globalThis as any).navigator.serviceWorker.ready).getNotifications()),
    ).toHaveLength(0);
    expect(problems).toEqual([]);
  });
});
