import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApiApp } from '../apps/api/src/create-api-app';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

const OPS = { 'X-API-Key': 'test-ops-key' };
const HOUR = 3600 * 1000;
const START = Date.parse('2025-06-01T00:00:00Z');
const at = (hours: number) => new Date(START + hours * HOUR).toISOString();

interface Nps {
  promoters: number;
  passives: number;
  detractors: number;
  answers: number;
  score: number | null;
}
const NO_ANSWERS: Nps = { promoters: 0, passives: 0, detractors: 0, answers: 0, score: null };

/**
 * NPS in GET /v1/dispatches/stats, from survey answers written straight into survey_answers (the
 * engine fills it from Survey Answered events): the shop's over every answer of the range, each
 * post_purchase rule's over its own survey's, and the shop's per bucket.
 */
describe('NPS in GET /v1/dispatches/stats', () => {
  let databaseUrl: string;
  let app: INestApplication | undefined;
  let baseUrl: string;
  let db: Client;
  let survey: string;
  let silentSurvey: string;
  let cart: string;

  const stats = async (query: string) => {
    const response = await fetch(`${baseUrl}/v1/dispatches/stats?${query}`, { headers: OPS });
    return { status: response.status, json: (await response.json()) as any };
  };
  const ruleOf = (json: any, ruleId: string) => json.rules.find((rule: { ruleId: string }) => rule.ruleId === ruleId);
  const insertRule = async (name: string, trigger: string): Promise<string> =>
    (
      await db.query(
        `INSERT INTO rules (name, trigger, enabled, params, steps) VALUES ($1, $2, false, '{}', $3) RETURNING id`,
        [name, trigger, JSON.stringify([{ after: 'PT0S', channels: ['email'], email: { subject: 'Hi', text: 'x' } }])],
      )
    ).rows[0].id;
  /** Answers as [rule (or null), score, hours after START]. */
  const answer = async (answers: Array<[string | null, number, number]>) => {
    for (const [index, [ruleId, score, hours]] of answers.entries()) {
      await db.query(
        `INSERT INTO survey_answers (answer_key, dispatch_id, rule_id, customer_id, order_id, score, answered_at)
         VALUES ($1, CASE WHEN $2::uuid IS NULL THEN NULL ELSE gen_random_uuid() END, $2, $3, $4, $5, $6)`,
        [`answer-${ruleId ?? 'none'}-${hours}-${index}`, ruleId, `c-${index}`, `o-${index}`, score, at(hours)],
      );
    }
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('nps-stats');
    app = await createApiApp(testConfig(databaseUrl));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();

    survey = await insertRule('After delivery', 'post_purchase');
    silentSurvey = await insertRule('Nobody answers', 'post_purchase');
    cart = await insertRule('Cart reminder', 'abandoned_cart');
    // The cart rule is listed for its dispatch in the range; the survey only for its answers (its
    // messages went out before the range).
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, created_at, updated_at)
       VALUES ('cart|1', $1, 'c-cart', 'cart-1', 0, 'email', 'sent', $3, $3),
              ('survey|1', $2, 'c-0', 'order-1', 0, 'email', 'sent', $4, $4)`,
      [cart, survey, at(5), at(-48)],
    );
    await answer([
      // The survey rule, day 1: four promoters, a passive, a detractor.
      [survey, 10, 0], // exactly at since: counted
      [survey, 9, 3],
      [survey, 10, 3],
      [survey, 9, 20],
      [survey, 7, 20],
      [survey, 6, 23],
      // Day 2: two promoters, a passive, a detractor.
      [survey, 10, 30],
      [survey, 9, 30],
      [survey, 8, 40],
      [survey, 0, 47],
      // Answers to no rule's message, and to a rule that asks no survey: the shop's only.
      [null, 3, 10],
      [null, 10, 10],
      [cart, 8, 30],
      // Outside the range: before since, and exactly at until (excluded).
      [survey, 0, -1],
      [survey, 0, 48],
      [null, 10, 60],
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl !== undefined) await dropTestDatabase(databaseUrl);
  });

  it("gives the shop's NPS over every answer in the range and each post_purchase rule its own", async () => {
    const { status, json } = await stats(`since=${at(0)}&until=${at(48)}&bucket=day`);
    expect(status).toBe(200);
    // 7 promoters, 3 passives, 3 detractors of 13: 30.8 points.
    expect(json.nps).toEqual({ promoters: 7, passives: 3, detractors: 3, answers: 13, score: 31 });
    // 6 promoters, 2 passives, 2 detractors: 60 % − 20 %.
    expect(ruleOf(json, survey).nps).toEqual({ promoters: 6, passives: 2, detractors: 2, answers: 10, score: 40 });
    expect(ruleOf(json, survey)).toMatchObject({ name: 'After delivery', trigger: 'post_purchase', sent: 0 });
    // A rule that asks no survey has no NPS, even with an answer carrying its id.
    expect(ruleOf(json, cart)).toBeDefined();
    expect(ruleOf(json, cart)).not.toHaveProperty('nps');
    // Neither dispatches nor answers in the range: not listed.
    expect(ruleOf(json, silentSurvey)).toBeUndefined();
  });

  it("follows the shop's NPS bucket by bucket, only buckets with answers", async () => {
    const daily = await stats(`since=${at(0)}&until=${at(48)}&bucket=day`);
    expect(daily.json.npsSeries).toEqual([
      { at: at(0), promoters: 5, passives: 1, detractors: 2, answers: 8, score: 38 },
      { at: at(24), promoters: 2, passives: 2, detractors: 1, answers: 5, score: 20 },
    ]);
    const hourly = await stats(`since=${at(0)}&until=${at(24)}`);
    expect(hourly.json.bucket).toBe('hour');
    expect(hourly.json.npsSeries.map((point: { at: string; answers: number }) => [point.at, point.answers])).toEqual([
      [at(0), 1],
      [at(3), 2],
      [at(10), 2],
      [at(20), 2],
      [at(23), 1],
    ]);
    expect(hourly.json.npsSeries[4]).toEqual({
      at: at(23),
      promoters: 0,
      passives: 0,
      detractors: 1,
      answers: 1,
      score: -100,
    });
  });

  it('counts answers by when they were given, within [since, until)', async () => {
    const dayTwo = await stats(`since=${at(24)}&until=${at(48)}`);
    expect(dayTwo.json.nps).toEqual({ promoters: 2, passives: 2, detractors: 1, answers: 5, score: 20 });
    expect(ruleOf(dayTwo.json, survey).nps).toEqual({
      promoters: 2,
      passives: 1,
      detractors: 1,
      answers: 4,
      score: 25,
    });
    // Opening the range by an hour at each end takes in the answers just outside it.
    const wider = await stats(`since=${at(-1)}&until=${at(49)}`);
    expect(ruleOf(wider.json, survey).nps).toMatchObject({ detractors: 4, answers: 12, score: 17 });

    const empty = await stats(`since=${at(100)}&until=${at(110)}`);
    expect(empty.json.nps).toEqual(NO_ANSWERS);
    expect(empty.json.npsSeries).toEqual([]);
    expect(empty.json.rules).toEqual([]);
  });

  it("narrows the rules to the one asked for, the shop's NPS staying the shop's", async () => {
    const one = await stats(`since=${at(0)}&until=${at(48)}&ruleId=${survey}`);
    expect(one.json.rules.map((rule: { ruleId: string }) => rule.ruleId)).toEqual([survey]);
    expect(one.json.rules[0].nps.score).toBe(40);
    expect(one.json.nps.answers).toBe(13);

    // A survey nobody answered: zero counts and no score, rather than a score of 0.
    const silent = await stats(`since=${at(0)}&until=${at(48)}&ruleId=${silentSurvey}`);
    expect(silent.json.rules).toHaveLength(1);
    expect(silent.json.rules[0].nps).toEqual(NO_ANSWERS);
  });

  it('documents nps in the OpenAPI document', async () => {
    const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as any;
    const { schemas } = document.components;
    expect(schemas.DispatchStats.required).toEqual(expect.arrayContaining(['nps', 'npsSeries']));
    expect(schemas.Nps.required).toEqual(['promoters', 'passives', 'detractors', 'answers', 'score']);
    expect(schemas.Nps.properties.score).toMatchObject({
      type: 'integer',
      minimum: -100,
      maximum: 100,
      nullable: true,
    });
    expect(schemas.RuleStats.properties.nps.allOf).toEqual([{ $ref: '#/components/schemas/Nps' }]);
    expect(schemas.RuleStats.required).not.toContain('nps');
  });
});
