import { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { createRule, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

const OPS_KEY = 'test-ops-key';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

interface LogRow {
  created: string;
  rule: string;
  customer: string;
  channel: string;
  status: string;
  reason: string;
}

/**
 * The ops dashboard in a real headless Chromium against the real stack. Cart reminders come from
 * the engine (events through Kafka, mail and push through the delivery services); an older history
 * of a second rule is written straight into the dispatch log, which is all the page reads.
 */
describe('ops dashboard in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let cartRule: { id: string };
  let winBack: { id: string };
  /** Console errors (CSP violations among them) and uncaught exceptions of the page. */
  const problems: string[] = [];
  /** Answers of 400 and above the page received: only the ones the test provoked may be there. */
  const failures: string[] = [];
  const statsRequests: Array<{ url: URL; key: string | undefined }> = [];

  // Callbacks of page.evaluate run in the browser; the test is compiled without the DOM library, so
  // they reach the page's globals (document, sessionStorage, beckonDashboard) through globalThis.
  const settled = () =>
    page.waitForFunction(() => (globalThis as any).document.documentElement.dataset.pending === '0');
  const chartData = () => page.evaluate(() => (globalThis as any).beckonDashboard.charts());
  const tile = (name: string) => page.textContent(`[data-tile=${name}] strong`);
  const logRows = (): Promise<LogRow[]> =>
    page.$$eval('#log-table tbody tr', (rows) =>
      rows.map((row) => {
        const cells = [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '');
        return {
          created: cells[0],
          rule: cells[1],
          customer: cells[2],
          channel: cells[4],
          status: cells[5],
          reason: cells[6],
        };
      }),
    );
  /** Every row of the log in the current range and filters, following "Load more" to the end. */
  const wholeLog = async (): Promise<LogRow[]> => {
    while (await page.isVisible('#load-more')) {
      await page.click('#load-more');
      await settled();
    }
    return logRows();
  };
  const filterLog = async (filters: Record<string, string>) => {
    await page.click('#log-filters button[type=reset]');
    await settled();
    for (const [field, value] of Object.entries(filters)) {
      const selector = `#log-filters [name=${field}]`;
      if ((await page.$eval(selector, (field) => field.tagName)) === 'SELECT') await page.selectOption(selector, value);
      else await page.fill(selector, value);
    }
    await page.click('#log-filters button[type=submit]');
    await settled();
    return wholeLog();
  };
  /** Pixels drawn on a canvas: a chart that received data but drew nothing would show zero. */
  const paintedPixels = (canvasId: string) =>
    page.evaluate((id) => {
      const canvas = (globalThis as any).document.getElementById(id);
      const pixels: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      return painted;
    }, canvasId);

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startStack('dashboard');
    await scenario();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      // Failed requests are also logged as errors; they are checked one by one in `failures`.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400) failures.push(`${response.status()} ${url.pathname}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (request.url().includes('/v1/dispatches/stats')) {
        statsRequests.push({ url: new URL(request.url()), key: request.headers()['x-api-key'] });
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Three cart reminders decided by the engine now; 57 older dispatches of a win-back rule over ten days. */
  async function scenario(): Promise<void> {
    cartRule = await createRule(stack, {
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      params: { minCartValue: 0 },
      steps: [
        {
          after: 'PT2S',
          channels: ['email', 'webpush'],
          email: { subject: 'Your cart is waiting', html: '<p>{{ cart.item_count }} items</p>' },
          webpush: { title: 'Still thinking?', body: '{{ cart.item_count }} items in your cart' },
        },
      ],
    });
    // Disabled: its history below is only read, never acted on by the engine.
    winBack = await createRule(stack, {
      name: 'Win-back',
      trigger: 'sleeping_customer',
      enabled: false,
      params: { inactiveDays: 30 },
      steps: [{ after: 'PT0S', channels: ['email'], email: { subject: 'We miss you', text: 'Come back' } }],
    });

    const subscription = stack.push.subscribe('visitor');
    await stack.produce([
      identify({ userId: 'u-ada' }, { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }),
      track({ userId: 'u-ada' }, 'Product Added', { cart_id: 'c-ada', ...product('beans', 12.5) }),
      track({ anonymousId: 'visitor-1' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
        expiration_time: null,
      }),
      track({ anonymousId: 'visitor-1' }, 'Product Added', { cart_id: 'c-visitor', ...product('mug', 9) }),
      identify({ userId: 'u-bo' }, { email: 'bo@example.com', first_name: 'Bo' }),
      track({ userId: 'u-bo' }, 'Product Added', { cart_id: 'c-bo', ...product('grinder', 99) }),
    ]);
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM dispatches WHERE customer_id = 'u-bo'`)).rowCount === 1,
    );
    await stack.produce([
      track({ userId: 'u-bo' }, 'Order Completed', {
        order_id: 'o-bo',
        cart_id: 'c-bo',
        total: 99,
        products: [product('grinder', 99)],
      }),
    ]);
    await eventually(
      async () =>
        (
          await stack.db.query(`SELECT 1 FROM dispatches WHERE rule_id = $1 AND status IN ('sent', 'suppressed')`, [
            cartRule.id,
          ])
        ).rowCount === 3,
      30000,
      'two cart reminders sent and one suppressed by the order',
    );

    await stack.db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, reason,
                               created_at, updated_at, sent_at)
       SELECT $1 || '|' || customer_id || '|sleep|0', $1::uuid, customer_id, 'sleep', 0, channel, status, reason,
              now() - age, now() - age, CASE WHEN status = 'sent' THEN now() - age END
         FROM (VALUES ('u-cy', 'email', 'failed', 'smtp:550', interval '3 hours'),
                      ('u-di', NULL, 'suppressed', 'capped:email:16h', interval '2 days'),
                      ('u-ed', 'webpush', 'sent', NULL, interval '10 days')) AS old(customer_id, channel, status, reason, age)
       UNION ALL
       SELECT $1 || '|u-bulk-' || n || '|sleep|0', $1::uuid, 'u-bulk-' || n, 'sleep', 0,
              CASE WHEN n % 2 = 0 THEN 'webpush' ELSE 'email' END, 'sent', NULL,
              now() - n * interval '150 minutes', now() - n * interval '150 minutes', now() - n * interval '150 minutes'
         FROM generate_series(1, 54) AS n`,
      [winBack.id],
    );
  }

  it('serves the page without a key, with a strict content security policy, and documents it as HTML', async () => {
    const response = await fetch(`${stack.apiUrl}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'; script-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).toContain('<option value="holdout">holdout</option>');

    const chart = await fetch(`${stack.apiUrl}/dashboard/chart.umd.js`);
    expect(chart.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await chart.text()).toContain('Chart');
    expect((await fetch(`${stack.apiUrl}/dashboard/secrets.js`)).status).toBe(404);

    const { paths } = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as { paths: Record<string, any> };
    expect(Object.keys(paths['/dashboard/{file}'] ?? {})).toEqual([]);
    expect(paths['/dashboard'].get.responses['200'].content).toHaveProperty('text/html');
  });

  it('asks for the key, refuses a wrong one and opens with the ops key', async () => {
    await page.goto(`${stack.apiUrl}/dashboard`);
    await page.waitForSelector('#login-form', { state: 'visible' });
    expect(await page.isVisible('#dashboard')).toBe(false);

    await page.fill('#api-key', 'not-a-key');
    await page.click('#login-form button[type=submit]');
    await settled();
    expect(await page.textContent('#login-error')).toContain('This key was refused');
    expect(await page.isVisible('#login-form')).toBe(true);
    expect(await page.isVisible('#dashboard')).toBe(false);

    await page.fill('#api-key', OPS_KEY);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dashboard', { state: 'visible' });
    await settled();
    expect(await page.isVisible('#login-form')).toBe(false);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('beckon.apiKey'))).toBe(OPS_KEY);
    expect(statsRequests.at(-1)?.key).toBe(OPS_KEY);

    // A reload keeps the key for this tab and goes straight to the figures.
    await page.reload();
    await page.waitForSelector('#dashboard', { state: 'visible' });
    await settled();
    expect(await page.isVisible('#login-form')).toBe(false);
  });

  it('draws the scenario: totals, reasons and the per-rule funnel', async () => {
    expect(await page.textContent('#error')).toBe('');
    expect(await tile('dispatches')).toBe('59');
    expect(await tile('sent')).toBe('56');
    expect(await tile('suppressed')).toBe('2');
    expect(await tile('failed')).toBe('1');

    const charts = await chartData();
    const reasons = Object.fromEntries(
      charts.reasons.labels.map((label: string, i: number) => [label, charts.reasons.datasets[0].data[i]]),
    );
    expect(reasons).toEqual({ order_completed: 1, 'capped:email:16h': 1, 'smtp:550': 1 });
    expect(charts.funnel.labels).toEqual(['Win-back', 'Cart reminder']);
    expect(charts.funnel.datasets.slice(0, 2)).toEqual([
      { label: 'triggered', data: [56, 3] },
      { label: 'sent', data: [54, 2] },
    ]);
    for (const canvas of ['reasons-chart', 'funnel-chart']) expect(await paintedPixels(canvas)).toBeGreaterThan(2000);

    const cartRow = page.locator(`#funnel-table tr[data-rule-id="${cartRule.id}"]`);
    expect(await cartRow.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['3', '2', '1', '0']), // triggered, sent, suppressed, failed
    );
  });

  it('shows the timeline by status when the API reports one, per channel', async () => {
    const charts = await chartData();
    expect(charts.timeline).toBeNull();
    expect(await page.textContent('#timeline-note')).toContain('does not report dispatches over time');
  });

  it('lists the scenario in the log, newest first, a page at a time', async () => {
    expect(await logRows()).toHaveLength(50);
    expect(await page.isVisible('#load-more')).toBe(true);
    const rows = await wholeLog();
    expect(rows).toHaveLength(59);
    expect(await page.isVisible('#load-more')).toBe(false);
    expect(rows.map((row) => row.created)).toEqual([...rows.map((row) => row.created)].sort().reverse());
    const cart = rows.filter((row) => row.rule === 'Cart reminder');
    expect(cart.map((row) => `${row.customer} ${row.channel} ${row.status} ${row.reason}`).sort()).toEqual([
      'anon:visitor-1 webpush sent ',
      'u-ada email sent ',
      'u-bo — suppressed order_completed',
    ]);
    expect(rows.map((row) => row.customer)).not.toContain('u-ed');
  });

  it('narrows the log by status, channel, customer, reason and rule', async () => {
    const failed = await filterLog({ status: 'failed' });
    expect(failed.map((row) => `${row.customer} ${row.reason}`)).toEqual(['u-cy smtp:550']);

    const webpush = await filterLog({ channel: 'webpush' });
    expect(webpush).toHaveLength(28);
    expect(new Set(webpush.map((row) => row.channel))).toEqual(new Set(['webpush']));
    expect(webpush.map((row) => row.customer)).toContain('anon:visitor-1');

    const ada = await filterLog({ customerId: 'u-ada' });
    expect(ada.map((row) => `${row.rule} ${row.channel} ${row.status}`)).toEqual(['Cart reminder email sent']);

    const capped = await filterLog({ reason: 'capped:email:16h' });
    expect(capped.map((row) => row.customer)).toEqual(['u-di']);

    const cart = await filterLog({ ruleId: cartRule.id, status: 'sent' });
    expect(cart.map((row) => row.customer).sort()).toEqual(['anon:visitor-1', 'u-ada']);

    const nobody = await filterLog({ customerId: 'u-nobody' });
    expect(nobody).toEqual([]);
    expect(await page.textContent('#log-note')).toContain('No dispatch matches');

    await page.click('#log-filters button[type=reset]');
    await settled();
    expect(await wholeLog()).toHaveLength(59);
  });

  it('asks the stats and the log for the time range chosen', async () => {
    const lastRange = () => {
      const { url } = statsRequests.at(-1)!;
      return {
        span: Date.parse(url.searchParams.get('until')!) - Date.parse(url.searchParams.get('since')!),
        bucket: url.searchParams.get('bucket'),
        since: url.searchParams.get('since'),
        until: url.searchParams.get('until'),
      };
    };
    expect(lastRange()).toMatchObject({ span: 7 * DAY, bucket: null });

    await page.selectOption('#range-preset', '24h');
    await settled();
    expect(lastRange()).toMatchObject({ span: DAY, bucket: null });
    expect(await tile('dispatches')).toBe('13');
    expect(await wholeLog()).toHaveLength(13);

    await page.selectOption('#range-preset', '30d');
    await settled();
    expect(lastRange()).toMatchObject({ span: 30 * DAY, bucket: null });
    expect(await tile('dispatches')).toBe('60');
    expect((await wholeLog()).map((row) => row.customer)).toContain('u-ed');

    const before = statsRequests.length;
    await page.selectOption('#range-bucket', 'day');
    await settled();
    expect(statsRequests).toHaveLength(before + 1);
    expect(lastRange().bucket).toBe('day');
    await page.selectOption('#range-bucket', 'auto');
    await settled();

    // A custom range, read as UTC: only the ten-day-old dispatch falls in it.
    await page.selectOption('#range-preset', 'custom');
    expect(await page.isVisible('#range-since')).toBe(true);
    const since = new Date(Date.now() - 12 * DAY).toISOString().slice(0, 16);
    const until = new Date(Date.now() - 9 * DAY).toISOString().slice(0, 16);
    await page.fill('#range-since', since);
    await page.fill('#range-until', until);
    await page.click('#range button[type=submit]');
    await settled();
    expect(lastRange()).toMatchObject({ since: `${since}:00.000Z`, until: `${until}:00.000Z` });
    expect((await wholeLog()).map((row) => row.customer)).toEqual(['u-ed']);
    expect(await tile('dispatches')).toBe('1');

    await page.selectOption('#range-preset', '7d');
    await settled();
    expect(await tile('dispatches')).toBe('59');
  });

  it('shows a customer in the side panel when their id is clicked', async () => {
    await filterLog({ customerId: 'u-ada' });
    await page.click('#log-table [data-customer="u-ada"]');
    await page.waitForSelector('#customer-panel', { state: 'visible' });
    await settled();
    const panel = await page.textContent('#customer-panel');
    expect(panel).toContain('ada@example.com');
    expect(panel).toContain('Ada Lovelace');
    expect(panel).toContain('Cart reminder · step 1');
    expect(await page.evaluate(() => (globalThis as any).beckonDashboard.customer().id)).toBe('u-ada');

    await page.click('#customer-close');
    expect(await page.isVisible('#customer-panel')).toBe(false);

    await page.keyboard.press('Escape');
    await filterLog({ customerId: 'anon:visitor-1' });
    await page.click('#log-table [data-customer="anon:visitor-1"]');
    await settled();
    expect(await page.textContent('#customer-panel')).toContain(new URL(stack.push.origin).origin);

    await page.keyboard.press('Escape');
    await filterLog({ customerId: 'u-cy' });
    await page.click('#log-table [data-customer="u-cy"]');
    await settled();
    expect(await page.textContent('#customer-body')).toContain('No customer has the id u-cy');
    await page.keyboard.press('Escape');
    expect(await page.isVisible('#customer-panel')).toBe(false);

    if (process.env.DASHBOARD_SCREENSHOT) {
      await filterLog({});
      await page.click('#log-table [data-customer="u-ada"]');
      await settled();
      await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
      await page.keyboard.press('Escape');
    }
  });

  it('forgets the key on request and ran without script errors or CSP violations', async () => {
    await page.click('#sign-out');
    expect(await page.isVisible('#login-form')).toBe(true);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('beckon.apiKey'))).toBeNull();
    expect(problems).toEqual([]);
    expect(failures).toEqual([
      '401 /v1/rules', // the wrong key
      '400 /v1/dispatches/stats', // bucket=day, which this API does not know yet
      '404 /v1/customers/u-cy',
    ]);
  });
});
