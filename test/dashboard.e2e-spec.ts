import { Browser, Page } from 'playwright-core';
import { isHeldOut } from '../libs/rules/src';
import { launchChromium } from './support/browser';
import { createRule, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

const OPS_KEY = 'test-ops-key';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const HOLDOUT = 50;
/** [score, age]: three promoters an hour ago, a passive and a detractor two days ago, a detractor ten days ago. */
const SURVEY_ANSWERS: Array<[number, number]> = [
  [10, HOUR],
  [10, HOUR],
  [9, HOUR],
  [8, 2 * DAY],
  [0, 2 * DAY],
  [3, 10 * DAY],
];

interface LogRow {
  created: string;
  rule: string;
  customer: string;
  channel: string;
  status: string;
  reason: string;
}

/**
 * The ops dashboard in a real headless Chromium against the real stack. Cart reminders, a holdout
 * and an attributed order come from the engine (events through Kafka, mail and push through the
 * delivery services); an older history of a second rule is written straight into the dispatch log.
 */
describe('ops dashboard in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let cartRule: { id: string };
  let winBack: { id: string };
  /** Customers on the chosen side of the cart rule's holdout split (it hashes rule and customer ids). */
  let ada: string;
  let bo: string;
  let visitor: string;
  let held: string;
  /** Console errors (CSP violations among them) and uncaught exceptions of the page. */
  const problems: string[] = [];
  /** Answers of 400 and above the page received: only the ones the test provoked may be there. */
  const failures: string[] = [];
  const statsRequests: Array<{ url: URL; key: string | undefined }> = [];
  /** When the survey answers' ages count from. */
  let surveyStart: number;

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
    surveyStart = Date.now();
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

  /** The first of `base`, `base-1`, ... on the wanted side of the cart rule's holdout split. */
  function onSide(base: string, heldOut: boolean, customerIdOf = (id: string) => id): string {
    for (let n = 0; ; n++) {
      const id = n === 0 ? base : `${base}-${n}`;
      if (isHeldOut(cartRule.id, customerIdOf(id), HOLDOUT) === heldOut) return id;
    }
  }

  /**
   * Now, from the engine: two cart reminders sent (one converts: an order of 25), one ended by an
   * order, one customer held out. Before, by SQL: 57 dispatches of a win-back rule over ten days.
   */
  async function scenario(): Promise<void> {
    cartRule = await createRule(stack, {
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      holdoutPercent: HOLDOUT,
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

    ada = onSide('u-ada', false);
    bo = onSide('u-bo', false);
    held = onSide('u-hal', true);
    const visitorId = onSide('visitor', false, (id) => `anon:${id}`);
    visitor = `anon:${visitorId}`;

    const subscription = stack.push.subscribe('visitor');
    await stack.produce([
      identify({ userId: ada }, { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }),
      track({ userId: ada }, 'Product Added', { cart_id: 'c-ada', ...product('beans', 12.5) }),
      track({ anonymousId: visitorId }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
        expiration_time: null,
      }),
      track({ anonymousId: visitorId }, 'Product Added', { cart_id: 'c-visitor', ...product('mug', 9) }),
      identify({ userId: bo }, { email: 'bo@example.com', first_name: 'Bo' }),
      track({ userId: bo }, 'Product Added', { cart_id: 'c-bo', ...product('grinder', 99) }),
      identify({ userId: held }, { email: 'hal@example.com', first_name: 'Hal' }),
      track({ userId: held }, 'Product Added', { cart_id: 'c-hal', ...product('kettle', 40) }),
    ]);
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM dispatches WHERE customer_id = $1`, [bo])).rowCount === 1,
    );
    const order = (userId: string, orderId: string, cartId: string, total: number) =>
      track({ userId }, 'Order Completed', { order_id: orderId, cart_id: cartId, total, products: [] });
    await stack.produce([order(bo, 'o-bo', 'c-bo', 99)]);
    const decided = async (status: string) =>
      (await stack.db.query(`SELECT 1 FROM dispatches WHERE rule_id = $1 AND status = $2`, [cartRule.id, status]))
        .rowCount;
    await eventually(
      async () =>
        (await decided('sent')) === 2 && (await decided('suppressed')) === 1 && (await decided('holdout')) === 1,
      30000,
      'two cart reminders sent, one suppressed by the order, one held out',
    );
    // Ada buys after her reminder: the order is credited to it (last touch, within the email window).
    await stack.produce([order(ada, 'o-ada', 'c-ada', 25)]);
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM conversions WHERE order_id = 'o-ada'`)).rowCount === 1,
      30000,
      "Ada's order attributed",
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

    // Survey answers (the engine would write them from Survey Answered events), to no rule's message:
    // they count for the shop's NPS only. Last 7 days: 3 promoters, a passive, a detractor.
    await stack.db.query(
      `INSERT INTO survey_answers (answer_key, customer_id, score, answered_at)
       SELECT 'answer-' || n, 'u-survey-' || n, score, to_timestamp(at / 1000.0)
         FROM unnest($1::int[], $2::float8[]) WITH ORDINALITY AS a(score, at, n)`,
      [SURVEY_ANSWERS.map(([score]) => score), SURVEY_ANSWERS.map(([, age]) => surveyStart - age)],
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

  it('draws the scenario: totals, reasons and the per-rule funnel with conversions and holdout', async () => {
    expect(await page.textContent('#error')).toBe('');
    expect(await tile('dispatches')).toBe('60');
    expect(await tile('sent')).toBe('56');
    expect(await tile('suppressed')).toBe('2');
    expect(await tile('failed')).toBe('1');
    expect(await tile('conversions')).toBe('1');
    expect(await tile('revenue')).toBe('25.00');

    const charts = await chartData();
    const reasons = Object.fromEntries(
      charts.reasons.labels.map((label: string, i: number) => [label, charts.reasons.datasets[0].data[i]]),
    );
    expect(reasons).toEqual({ order_completed: 1, holdout: 1, 'capped:email:16h': 1, 'smtp:550': 1 });
    // Held-out customers are no decision to message: triggered counts the others.
    expect(charts.funnel).toEqual({
      labels: ['Win-back', 'Cart reminder'],
      datasets: [
        { label: 'triggered', data: [56, 3] },
        { label: 'sent', data: [54, 2] },
        { label: 'converted', data: [0, 1] },
      ],
    });
    for (const canvas of ['reasons-chart', 'funnel-chart']) expect(await paintedPixels(canvas)).toBeGreaterThan(2000);

    const cartRow = page.locator(`#funnel-table tr[data-rule-id="${cartRule.id}"]`);
    expect((await cartRow.locator('td').allTextContents()).slice(0, 7)).toEqual([
      '3', // triggered
      '2', // sent
      '1', // suppressed
      '0', // failed
      '1', // converted
      '50.0 %',
      '25.00',
    ]);
    expect(await cartRow.locator('[data-field=holdout]').textContent()).toBe(
      'uplift +50.0 pts · messaged 50.0 % of 2 vs held out 0.0 % of 1',
    );
    expect(await cartRow.locator('th').textContent()).toContain('50 % holdout');
    const winBackRow = page.locator(`#funnel-table tr[data-rule-id="${winBack.id}"]`);
    expect(await winBackRow.locator('[data-field=holdout]').textContent()).toBe('no holdout');
  });

  it('shows dispatches over time stacked by status, for all channels or one', async () => {
    expect(await page.textContent('#range-label')).toContain('daily buckets');
    const byStatus = async (channel: string) => {
      await page.selectOption('#timeline-channel', channel);
      const { timeline } = await chartData();
      return Object.fromEntries(
        timeline.datasets.map((d: { label: string; data: number[] }) => [d.label, d.data.reduce((a, b) => a + b, 0)]),
      );
    };
    const { timeline } = await chartData();
    // Seven days up to now touch eight UTC days, empty ones included.
    expect(timeline.labels).toHaveLength(8);
    const until: string = await page.evaluate(() => (globalThis as any).beckonDashboard.state.stats.until);
    expect(timeline.labels[7]).toBe(until.slice(0, 10));
    expect(await paintedPixels('timeline-chart')).toBeGreaterThan(2000);
    expect(await byStatus('all')).toEqual({ sent: 56, holdout: 1, suppressed: 2, failed: 1 });
    expect(await byStatus('email')).toEqual({ sent: 28, failed: 1 });
    expect(await byStatus('webpush')).toEqual({ sent: 28 });
    expect(await byStatus('none')).toEqual({ holdout: 1, suppressed: 2 });
    await page.selectOption('#timeline-channel', 'all');
  });

  it("shows the shop's NPS and its score and answers day by day", async () => {
    // 3 promoters, 1 passive, 1 detractor in the last 7 days: 60 % − 20 %.
    expect(await tile('nps')).toBe('40');
    expect(await page.textContent('[data-tile=nps] small')).toBe('5 answers');
    const { nps } = await chartData();
    const { timeline } = await chartData();
    expect(nps.labels).toEqual(timeline.labels);
    const day = (age: number) => nps.labels.indexOf(new Date(surveyStart - age).toISOString().slice(0, 10));
    const score = nps.labels.map(() => null);
    const answers = nps.labels.map(() => 0);
    score[day(HOUR)] = 100;
    answers[day(HOUR)] = 3;
    score[day(2 * DAY)] = -50;
    answers[day(2 * DAY)] = 2;
    expect(nps.datasets).toEqual([
      { label: 'NPS', data: score },
      { label: 'answers', data: answers },
    ]);
    expect(await paintedPixels('nps-chart')).toBeGreaterThan(2000);
    expect(await page.isVisible('#nps-note')).toBe(false);

    // The figure follows the range: the last day's promoters only, then the ten-day-old detractor too.
    await page.selectOption('#range-preset', '24h');
    await settled();
    expect(await tile('nps')).toBe('100');
    await page.selectOption('#range-preset', '30d');
    await settled();
    expect(await tile('nps')).toBe('17');
    expect(await page.textContent('[data-tile=nps] small')).toBe('6 answers');
    await page.selectOption('#range-preset', '7d');
    await settled();
    expect(await tile('nps')).toBe('40');
  });

  it('lists the scenario in the log, newest first, a page at a time', async () => {
    expect(await logRows()).toHaveLength(50);
    expect(await page.isVisible('#load-more')).toBe(true);
    const rows = await wholeLog();
    expect(rows).toHaveLength(60);
    expect(await page.isVisible('#load-more')).toBe(false);
    expect(rows.map((row) => row.created)).toEqual([...rows.map((row) => row.created)].sort().reverse());
    const cart = rows.filter((row) => row.rule === 'Cart reminder');
    expect(cart.map((row) => `${row.customer} ${row.channel} ${row.status} ${row.reason}`).sort()).toEqual(
      [
        `${visitor} webpush sent `,
        `${ada} email sent `,
        `${bo} — suppressed order_completed`,
        `${held} — holdout holdout`,
      ].sort(),
    );
    expect(rows.map((row) => row.customer)).not.toContain('u-ed');
  });

  it('narrows the log by status, channel, customer, reason and rule', async () => {
    const failed = await filterLog({ status: 'failed' });
    expect(failed.map((row) => `${row.customer} ${row.reason}`)).toEqual(['u-cy smtp:550']);

    const webpush = await filterLog({ channel: 'webpush' });
    expect(webpush).toHaveLength(28);
    expect(new Set(webpush.map((row) => row.channel))).toEqual(new Set(['webpush']));
    expect(webpush.map((row) => row.customer)).toContain(visitor);

    const adas = await filterLog({ customerId: ada });
    expect(adas.map((row) => `${row.rule} ${row.channel} ${row.status}`)).toEqual(['Cart reminder email sent']);

    const capped = await filterLog({ reason: 'capped:email:16h' });
    expect(capped.map((row) => row.customer)).toEqual(['u-di']);

    const cart = await filterLog({ ruleId: cartRule.id, status: 'sent' });
    expect(cart.map((row) => row.customer).sort()).toEqual([visitor, ada].sort());

    const nobody = await filterLog({ customerId: 'u-nobody' });
    expect(nobody).toEqual([]);
    expect(await page.textContent('#log-note')).toContain('No dispatch matches');

    await page.click('#log-filters button[type=reset]');
    await settled();
    expect(await wholeLog()).toHaveLength(60);
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
    expect(await tile('dispatches')).toBe('14');
    expect(await wholeLog()).toHaveLength(14);
    // A day up to now touches 25 UTC hours.
    expect(await page.textContent('#range-label')).toContain('hourly buckets');
    expect((await chartData()).timeline.labels).toHaveLength(25);

    await page.selectOption('#range-preset', '30d');
    await settled();
    expect(lastRange()).toMatchObject({ span: 30 * DAY, bucket: null });
    expect(await tile('dispatches')).toBe('61');
    expect((await wholeLog()).map((row) => row.customer)).toContain('u-ed');

    const before = statsRequests.length;
    await page.selectOption('#range-bucket', 'day');
    await settled();
    expect(statsRequests).toHaveLength(before + 1);
    expect(lastRange().bucket).toBe('day');
    expect((await chartData()).timeline.labels).toHaveLength(31);
    await page.selectOption('#range-bucket', 'hour');
    await settled();
    expect(lastRange().bucket).toBe('hour');
    expect((await chartData()).timeline.labels).toHaveLength(30 * 24 + 1);
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
    expect(await tile('dispatches')).toBe('60');
  });

  it('shows a customer in the side panel when their id is clicked', async () => {
    await filterLog({ customerId: ada });
    await page.click(`#log-table [data-customer="${ada}"]`);
    await page.waitForSelector('#customer-panel', { state: 'visible' });
    await settled();
    const panel = await page.textContent('#customer-panel');
    expect(panel).toContain('ada@example.com');
    expect(panel).toContain('Ada Lovelace');
    expect(panel).toContain('Cart reminder · step 1');
    expect(await page.evaluate(() => (globalThis as any).beckonDashboard.customer().id)).toBe(ada);

    await page.click('#customer-close');
    expect(await page.isVisible('#customer-panel')).toBe(false);

    await page.keyboard.press('Escape');
    await filterLog({ customerId: visitor });
    await page.click(`#log-table [data-customer="${visitor}"]`);
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
      await page.click(`#log-table [data-customer="${ada}"]`);
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
    expect(failures).toEqual(['401 /v1/rules' /* the wrong key */, '404 /v1/customers/u-cy']);
  });
});
