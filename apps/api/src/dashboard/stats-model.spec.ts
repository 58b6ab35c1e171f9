import {
  bucketStarts,
  funnel,
  npsTimeline,
  reasons,
  resolveRange,
  shopNps,
  Stats,
  timeline,
  totals,
} from './public/stats-model.js';

const RULE_A = '11111111-1111-4111-8111-111111111111';
const RULE_B = '22222222-2222-4222-8222-222222222222';
const HOUR = 3600 * 1000;

/** What an API without the issue-5 fields answers: counts by rule, channel, status and reason only. */
const older: Stats = {
  since: '2026-11-23T00:30:00.000Z',
  until: '2026-11-23T04:00:00.000Z',
  rows: [
    { ruleId: RULE_A, channel: 'email', status: 'sent', reason: null, count: 5 },
    { ruleId: RULE_A, channel: null, status: 'suppressed', reason: 'capped:email:16h', count: 2 },
    { ruleId: RULE_A, channel: null, status: 'suppressed', reason: 'no_address', count: 3 },
    { ruleId: RULE_A, channel: null, status: 'scheduled', reason: null, count: 4 },
    { ruleId: RULE_A, channel: null, status: 'holdout', reason: null, count: 1 },
    { ruleId: RULE_B, channel: 'webpush', status: 'failed', reason: 'push:410', count: 2 },
    { ruleId: RULE_B, channel: 'email', status: 'suppressed', reason: 'capped:email:16h', count: 1 },
  ],
};

describe('dashboard stats model', () => {
  it('resolves presets up to now and custom ranges as UTC', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(resolveRange('24h', '', '', now)).toEqual({
      since: new Date('2026-11-22T12:00:00Z'),
      until: new Date('2026-11-23T12:00:00Z'),
    });
    expect(resolveRange('30d', '', '', now).since).toEqual(new Date('2026-10-24T12:00:00Z'));
    expect(resolveRange('custom', '2026-11-01T08:00', '2026-11-02T09:30', now)).toEqual({
      since: new Date('2026-11-01T08:00:00Z'),
      until: new Date('2026-11-02T09:30:00Z'),
    });
    expect(() => resolveRange('custom', '', '2026-11-02T09:30', now)).toThrow('choose both ends');
    expect(() => resolveRange('custom', '2026-11-02T09:30', '2026-11-01T00:00', now)).toThrow('end after it starts');
  });

  it('covers a range with UTC-aligned buckets, and gives up on absurd counts', () => {
    expect(bucketStarts(older.since, older.until, 'hour')).toEqual(
      [0, 1, 2, 3].map((h) => Date.parse('2026-11-23T00:00:00Z') + h * HOUR),
    );
    expect(bucketStarts('2026-11-20T23:00:00Z', '2026-11-23T00:00:00Z', 'day')).toEqual([
      Date.parse('2026-11-20T00:00:00Z'),
      Date.parse('2026-11-21T00:00:00Z'),
      Date.parse('2026-11-22T00:00:00Z'),
    ]);
    expect(bucketStarts('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'hour')).toBeNull();
  });

  it('stacks the series by status per bucket, filling empty buckets, for one channel or all', () => {
    const stats: Stats = {
      ...older,
      bucket: 'hour',
      series: [
        { at: '2026-11-23T00:00:00.000Z', channel: 'email', status: 'sent', count: 3 },
        { at: '2026-11-23T00:00:00.000Z', channel: 'webpush', status: 'sent', count: 1 },
        { at: '2026-11-23T02:00:00.000Z', channel: null, status: 'suppressed', count: 2 },
        { at: '2026-11-23T02:00:00.000Z', channel: 'email', status: 'failed', count: 1 },
      ],
    };
    expect(timeline(stats)).toEqual({
      bucket: 'hour',
      labels: ['2026-11-23 00:00', '2026-11-23 01:00', '2026-11-23 02:00', '2026-11-23 03:00'],
      datasets: [
        { status: 'sent', data: [4, 0, 0, 0] },
        { status: 'suppressed', data: [0, 0, 2, 0] },
        { status: 'failed', data: [0, 0, 1, 0] },
      ],
    });
    expect(timeline(stats, 'email')!.datasets).toEqual([
      { status: 'sent', data: [3, 0, 0, 0] },
      { status: 'failed', data: [0, 0, 1, 0] },
    ]);
    expect(timeline(stats, 'none')!.datasets).toEqual([{ status: 'suppressed', data: [0, 0, 2, 0] }]);
    expect(timeline({ ...stats, bucket: 'day' })!.labels).toEqual(['2026-11-23']);
  });

  it('reports no series rather than an empty one when the API has none', () => {
    expect(timeline(older)).toBeNull();
  });

  it('takes the reasons the API lists, else sums them from the rows', () => {
    const listed = [{ reason: 'quiet_hours', status: 'deferred', count: 9 }];
    expect(reasons({ ...older, reasons: listed })).toBe(listed);
    expect(reasons(older)).toEqual([
      // summed over rules and channels; ties by name
      { reason: 'capped:email:16h', status: 'suppressed', count: 3 },
      { reason: 'no_address', status: 'suppressed', count: 3 },
      { reason: 'push:410', status: 'failed', count: 2 },
    ]);
  });

  it('derives triggered and sent per rule from the rows of an older API, conversions unknown', () => {
    const names = new Map([[RULE_A, { name: 'Cart reminder', trigger: 'abandoned_cart' }]]);
    const rules = funnel(older, names);
    expect(
      rules.map(({ ruleId, name, triggered, sent, suppressed, failed, conversions }) => ({
        ruleId,
        name,
        triggered,
        sent,
        suppressed,
        failed,
        conversions,
      })),
    ).toEqual([
      // scheduled and holdout rows are no decision taken to message anyone
      {
        ruleId: RULE_A,
        name: 'Cart reminder',
        triggered: 10,
        sent: 5,
        suppressed: 5,
        failed: 0,
        conversions: undefined,
      },
      {
        ruleId: RULE_B,
        name: 'rule 22222222 (deleted)',
        triggered: 3,
        sent: 0,
        suppressed: 1,
        failed: 2,
        conversions: undefined,
      },
    ]);
    expect(totals(older, rules)).toEqual({
      dispatches: 18,
      sent: 5,
      suppressed: 6,
      failed: 2,
      conversions: undefined,
      revenue: undefined,
    });
  });

  it('takes the funnel, conversions and holdout the API reports', () => {
    const holdout = {
      messaged: { customers: 5, conversions: 2, revenue: 80, conversionRate: 0.4 },
      heldOut: { customers: 1, conversions: 0, revenue: 0, conversionRate: 0 },
      uplift: 0.4,
    };
    const stats: Stats = {
      ...older,
      rules: [
        {
          ruleId: RULE_B,
          name: 'Win-back',
          trigger: 'sleeping_customer',
          holdoutPercent: 10,
          triggered: 30,
          sent: 20,
          conversions: 4,
          revenue: 120.5,
          conversionRate: 0.2,
          steps: [
            {
              step: 1,
              triggered: 30,
              sent: 20,
              failed: 2,
              suppressed: 8,
              conversions: 4,
              revenue: 120.5,
              conversionRate: 0.2,
            },
          ],
          holdout,
        },
      ],
    };
    const [winBack, cart] = funnel(stats);
    expect(winBack).toMatchObject({
      name: 'Win-back',
      triggered: 30,
      sent: 20,
      conversions: 4,
      revenue: 120.5,
      holdout,
    });
    expect(winBack.steps).toHaveLength(1);
    // A rule the API leaves out of `rules` (deleted) still shows what its rows say.
    expect(cart).toMatchObject({ ruleId: RULE_A, triggered: 10, conversions: undefined });
    expect(totals(stats, [winBack, cart])).toMatchObject({ conversions: 4, revenue: 120.5 });
  });

  it("draws the shop's NPS per bucket, a bucket without answers a gap in the score and no bar", () => {
    const nps = { promoters: 7, passives: 3, detractors: 3, answers: 13, score: 31 };
    const stats: Stats = {
      ...older,
      bucket: 'hour',
      nps,
      npsSeries: [
        { at: '2026-11-23T00:00:00.000Z', promoters: 1, passives: 0, detractors: 0, answers: 1, score: 100 },
        { at: '2026-11-23T03:00:00.000Z', promoters: 6, passives: 3, detractors: 3, answers: 12, score: 25 },
      ],
    };
    expect(npsTimeline(stats)).toEqual({
      bucket: 'hour',
      labels: ['2026-11-23 00:00', '2026-11-23 01:00', '2026-11-23 02:00', '2026-11-23 03:00'],
      score: [100, null, null, 25],
      answers: [1, 0, 0, 12],
    });
    expect(shopNps(stats)).toBe(nps);
    expect(npsTimeline({ ...stats, npsSeries: [] })).toMatchObject({ score: [null, null, null, null] });
  });

  it('reports no NPS from an API without it, and keeps a post_purchase rule’s own', () => {
    expect(npsTimeline(older)).toBeNull();
    expect(shopNps(older)).toBeUndefined();
    const nps = { promoters: 6, passives: 2, detractors: 2, answers: 10, score: 40 };
    const survey = {
      ruleId: RULE_B,
      name: 'After delivery',
      trigger: 'post_purchase',
      holdoutPercent: 0,
      triggered: 0,
      sent: 0,
      conversions: 0,
      revenue: 0,
      conversionRate: 0,
      steps: [],
      holdout: {
        messaged: { customers: 0, conversions: 0, revenue: 0, conversionRate: 0 },
        heldOut: { customers: 0, conversions: 0, revenue: 0, conversionRate: 0 },
        uplift: null,
      },
    };
    const rules = funnel({ ...older, rules: [{ ...survey, nps }] });
    expect(rules.find((rule) => rule.ruleId === RULE_B)?.nps).toBe(nps);
    expect(rules.find((rule) => rule.ruleId === RULE_A)?.nps).toBeUndefined();
  });
});

describe('funnel: opens and clicks', () => {
  it('passes the rule’s opens and clicks through and puts each step’s on its step', () => {
    const stats: Stats = {
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-02T00:00:00.000Z',
      rows: [{ ruleId: 'r-1', channel: 'email', status: 'sent', reason: null, count: 4 }],
      rules: [
        {
          ruleId: 'r-1',
          name: 'Cart',
          trigger: 'abandoned_cart',
          holdoutPercent: 0,
          triggered: 4,
          sent: 4,
          conversions: 0,
          revenue: 0,
          conversionRate: 0,
          steps: [
            {
              step: 1,
              triggered: 4,
              sent: 4,
              failed: 0,
              suppressed: 0,
              conversions: 0,
              revenue: 0,
              conversionRate: 0,
              opened: 2,
              clicked: 1,
              openRate: 0.5,
              clickRate: 0.25,
            },
          ],
          holdout: {
            messaged: { customers: 4, conversions: 0, revenue: 0, conversionRate: 0 },
            heldOut: { customers: 0, conversions: 0, revenue: 0, conversionRate: 0 },
            uplift: null,
          },
          opened: 2,
          clicked: 1,
          openRate: 0.5,
          clickRate: 0.25,
        },
      ],
    };
    const [rule] = funnel(stats);
    expect(rule).toMatchObject({ opened: 2, clicked: 1, openRate: 0.5, clickRate: 0.25 });
    expect(rule.steps?.[0]).toMatchObject({ step: 1, opened: 2, clicked: 1, openRate: 0.5, clickRate: 0.25 });
  });
});
