import { verifySurveyToken } from '../libs/consent/src';
import { createRule, daysAgo, dispatchesOf, settle, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

/**
 * Post-purchase surveys on the real stack: the survey goes out when the order is delivered (or
 * fallbackDays after it), its eleven links are signed per message, an answer through GET /s/{token}
 * travels as a `Survey Answered` event through Kafka into survey_answers, and the following steps go
 * only to customers whose answer matches their `when`.
 */
describe('post-purchase survey, end to end', () => {
  let stack: Stack;
  let survey: { id: string };
  const SECRET = 'test-unsubscribe-secret';

  const mailTo = (who: string, subject: string) =>
    stack.smtp.waitFor((m) => m.envelope.to.includes(`${who}@example.com`) && m.subject === subject, 30000);
  const surveyLinks = (html: string) =>
    [...html.matchAll(/<a href="([^"]+)">(\d+)<\/a>/g)].map(([, url, score]) => ({ url, score: Number(score) }));
  /** The public base the links carry is the shop's; the test reaches the API under its own address. */
  const viaApi = (url: string) => url.replace('https://shop.example.com', stack.apiUrl);
  const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;
  const answers = async (customerId: string) =>
    (
      await stack.db.query(
        `SELECT answer_key, dispatch_id, rule_id, order_id, score FROM survey_answers WHERE customer_id = $1`,
        [customerId],
      )
    ).rows;
  const stepsOf = async (customerId: string) =>
    (await dispatchesOf(stack, survey.id)).filter((d) => d.customer_id === customerId);
  /** The later steps wait a day; the test brings the one due next forward instead of waiting. */
  const bringForward = (customerId: string, step: number) =>
    stack.db.query(
      `UPDATE dispatches SET due_at = now() WHERE rule_id = $1 AND customer_id = $2 AND step = $3 AND status = 'scheduled'`,
      [survey.id, customerId, step],
    );
  const statusOf = async (customerId: string, step: number) =>
    eventually(async () => {
      const row = (await stepsOf(customerId)).find((d) => d.step === step);
      return row !== undefined && row.status !== 'scheduled' && row.status !== 'queued' ? row : undefined;
    }, 30000);

  async function deliveredSurvey(who: string, orderId: string) {
    await stack.produce([
      identify({ userId: who }, { email: `${who}@example.com`, first_name: who }, daysAgo(30)),
      track({ userId: who }, 'Order Completed', {
        order_id: orderId,
        total: 42,
        products: [product('mug', 21, { quantity: 2 })],
      }),
    ]);
    // Scheduled at the fallback moment first, then moved to the delivery.
    await eventually(async () => (await stepsOf(who)).length === 1);
    await stack.produce([track({ userId: who }, 'Order Delivered', { order_id: orderId })]);
    return mailTo(who, `How was order ${orderId}?`);
  }

  beforeAll(async () => {
    stack = await startStack('post-purchase');
    survey = await createRule(stack, {
      name: 'Survey after delivery',
      trigger: 'post_purchase',
      params: { from: 'delivered', fallbackDays: 7 },
      steps: [
        {
          after: 'PT0S',
          channels: ['email'],
          email: {
            subject: 'How was order {{ order.id }}?',
            html: '<p>{{ order.products[0].name }} × {{ order.products[0].quantity }}, {{ order.total }}</p><p>{% for link in survey.links %}<a href="{{ link.url }}">{{ link.score }}</a>{% endfor %}</p>',
          },
        },
        {
          after: 'P1D',
          when: 'promoter',
          channels: ['email'],
          email: { subject: 'Review {{ order.id }}?', text: 'x' },
        },
        {
          after: 'P1D',
          when: 'detractor',
          channels: ['email'],
          email: { subject: 'Sorry about {{ order.id }}', text: 'x' },
        },
      ],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('sends the survey on delivery with eleven links, lowest first, each signed for that message', async () => {
    const mail = await deliveredSurvey('pat', 'o-pat');
    expect(mail.html).toContain('Product mug × 2, 42');
    const links = surveyLinks(mail.html!);
    expect(links.map((l) => l.score)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [step0] = (
      await stack.db.query(`SELECT id FROM dispatches WHERE rule_id = $1 AND customer_id = 'pat' AND step = 0`, [
        survey.id,
      ])
    ).rows;
    for (const { url, score } of links) {
      expect(url).toMatch(
        new RegExp(`^https://shop\\.example\\.com/s/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\?score=${score}$`),
      );
      expect(verifySurveyToken(tokenOf(url), SECRET)).toEqual({
        dispatchId: step0.id,
        customerId: 'pat',
        orderId: 'o-pat',
        ruleId: survey.id,
      });
    }
    const order = await stack.db.query(`SELECT delivered_at FROM orders WHERE id = 'o-pat'`);
    expect(order.rows[0].delivered_at).not.toBeNull();
  });

  it('records a link answer through Kafka, then sends the promoter step and skips the detractor one', async () => {
    const mail = await mailTo('pat', 'How was order o-pat?');
    const reply = await fetch(viaApi(surveyLinks(mail.html!)[10].url));
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain('Thank you');

    const [step0] = (await stepsOf('pat')).filter((d) => d.step === 0);
    expect(step0.status).toBe('sent');
    const [answer] = await eventually(async () => {
      const rows = await answers('pat');
      return rows.length > 0 ? rows : undefined;
    });
    const timeline = await stack.db.query(
      `SELECT payload FROM customer_events WHERE customer_id = 'pat' AND event = 'Survey Answered'`,
    );
    expect(timeline.rows).toHaveLength(1);
    expect(answer).toMatchObject({ rule_id: survey.id, order_id: 'o-pat', score: 10 });
    expect(answer.answer_key).toBe(answer.dispatch_id);

    await bringForward('pat', 1);
    await mailTo('pat', 'Review o-pat?');
    await bringForward('pat', 2);
    expect(await statusOf('pat', 2)).toMatchObject({ status: 'suppressed', reason: 'when:detractor' });
  });

  it('keeps the last of two answers: a detractor skips the promoter step and gets the detractor one', async () => {
    const mail = await deliveredSurvey('quin', 'o-quin');
    const links = surveyLinks(mail.html!);
    expect((await fetch(viaApi(links[10].url))).status).toBe(200);
    await eventually(async () => (await answers('quin'))[0]?.score === 10);
    // The form answer: the same message, a later answer.
    const form = await fetch(viaApi(links[0].url).replace(/\?score=\d+$/, ''), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'score=3',
    });
    expect(form.status).toBe(200);
    await eventually(async () => (await answers('quin'))[0]?.score === 3);
    expect(await answers('quin')).toHaveLength(1);

    await bringForward('quin', 1);
    expect(await statusOf('quin', 1)).toMatchObject({ status: 'suppressed', reason: 'when:promoter' });
    await bringForward('quin', 2);
    await mailTo('quin', 'Sorry about o-quin');
    expect(stack.smtp.messages.filter((m) => m.subject === 'Review o-quin?')).toHaveLength(0);
  });

  it('answers a forged or mangled link with 404 and a bad score with 400, recording nothing', async () => {
    const mail = await deliveredSurvey('fred', 'o-fred');
    const url = viaApi(surveyLinks(mail.html!)[5].url);
    const token = tokenOf(url);
    const [body, signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ d: 'x', c: 'fred', o: 'o-fred', r: survey.id })).toString(
      'base64url',
    );
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    for (const forged of [`${forgedBody}.${signature}`, `${body}.${flipped}`, 'preview']) {
      const reply = await fetch(`${stack.apiUrl}/s/${forged}?score=5`);
      expect(reply.status).toBe(404);
      expect(await reply.text()).toContain('not valid');
    }
    const post = await fetch(`${stack.apiUrl}/s/${body}.${flipped}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'score=5',
    });
    expect(post.status).toBe(404);
    for (const score of ['11', 'ten', '']) {
      expect((await fetch(url.replace(/score=5$/, `score=${score}`))).status).toBe(400);
    }
    await settle(2000);
    expect(await answers('fred')).toEqual([]);
    const timeline = await stack.db.query(
      `SELECT 1 FROM customer_events WHERE customer_id = 'fred' AND event = 'Survey Answered'`,
    );
    expect(timeline.rowCount).toBe(0);
  });

  it('previews the order and dummy survey links that answer nothing', async () => {
    const preview = await stack.v1(`/rules/${survey.id}/preview`, 'POST', { customerId: 'pat', step: 1 });
    expect(preview.status).toBe(200);
    expect(preview.json.data.order).toMatchObject({ id: 'o-pat', total: 42, products: [{ name: 'Product mug' }] });
    expect(preview.json.data.survey.links).toHaveLength(11);
    expect(preview.json.data.survey.links[0]).toEqual({ score: 0, url: 'https://shop.example.com/s/preview?score=0' });
    expect((await fetch(`${stack.apiUrl}/s/preview?score=0`)).status).toBe(404);
  });

  it('documents the survey links and the example rule in /docs', async () => {
    const document = (await (await fetch(`${stack.apiUrl}/docs-json`)).json()) as any;
    expect(Object.keys(document.paths['/s/{token}']).sort()).toEqual(['get', 'post']);
    expect(document.paths['/s/{token}'].get.responses).toHaveProperty('404');
    const examples = document.paths['/v1/rules'].post.requestBody.content['application/json'].examples;
    expect(examples.post_purchase.value.steps[1].when).toBe('promoter');
  });

  it('starts fallbackDays after the order when no delivery is reported', async () => {
    // Placed seven days ago less three seconds: the fallback moment is three seconds away.
    const placed = new Date(daysAgo(7).getTime() + 3000);
    await stack.produce([
      identify({ userId: 'nora' }, { email: 'nora@example.com' }, daysAgo(30)),
      track(
        { userId: 'nora' },
        'Order Completed',
        { order_id: 'o-nora', total: 9, products: [product('tea', 9)] },
        placed,
      ),
    ]);
    await mailTo('nora', 'How was order o-nora?');
    const order = await stack.db.query(`SELECT delivered_at FROM orders WHERE id = 'o-nora'`);
    expect(order.rows[0].delivered_at).toBeNull();
  });

  it('ends the sequence when the order is refunded or cancelled', async () => {
    await stack.produce([
      identify({ userId: 'rene' }, { email: 'rene@example.com' }, daysAgo(30)),
      track({ userId: 'rene' }, 'Order Completed', { order_id: 'o-r1', total: 5, products: [product('pen', 5)] }),
      track({ userId: 'rene' }, 'Order Completed', { order_id: 'o-r2', total: 5, products: [product('ink', 5)] }),
    ]);
    await eventually(async () => (await stepsOf('rene')).length === 2);
    await stack.produce([
      track({ userId: 'rene' }, 'Order Refunded', { order_id: 'o-r1' }),
      track({ userId: 'rene' }, 'Order Cancelled', { order_id: 'o-r2' }),
    ]);
    const ended = await eventually(async () => {
      const rows = await stepsOf('rene');
      return rows.every((d) => d.status === 'suppressed') ? rows : undefined;
    });
    expect(ended.map((d) => [d.occasion, d.step, d.reason])).toEqual([
      ['order:o-r1', 0, 'order_refunded'],
      ['order:o-r2', 0, 'order_cancelled'],
    ]);
    // A delivery reported after the refund does not start it again.
    await stack.produce([track({ userId: 'rene' }, 'Order Delivered', { order_id: 'o-r1' })]);
    await settle();
    expect((await stepsOf('rene')).map((d) => d.status)).toEqual(['suppressed', 'suppressed']);
  });

  it('with from: ordered, sends the survey as soon as the order is placed', async () => {
    const onOrder = await createRule(stack, {
      name: 'Survey on order',
      trigger: 'post_purchase',
      params: { from: 'ordered' },
      steps: [
        {
          after: 'PT0S',
          channels: ['email'],
          email: { subject: 'Thanks for order {{ order.id }}', text: '{{ survey.links[9].url }}' },
        },
      ],
    });
    await stack.produce([
      identify({ userId: 'olga' }, { email: 'olga@example.com' }, daysAgo(30)),
      track({ userId: 'olga' }, 'Order Completed', { order_id: 'o-olga', total: 3, products: [product('cup', 3)] }),
    ]);
    const mail = await mailTo('olga', 'Thanks for order o-olga');
    expect(mail.text).toMatch(/\/s\/[A-Za-z0-9_.-]+\?score=9/);
    expect((await dispatchesOf(stack, onOrder.id)).map((d) => [d.customer_id, d.occasion, d.step])).toEqual([
      ['olga', 'order:o-olga', 0],
    ]);
  });
});
