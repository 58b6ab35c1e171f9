import { reasonCounts, RuleInfo, ruleFunnels } from './rule-funnel';

const cart: RuleInfo = { id: 'r-cart', name: 'Cart', trigger: 'abandoned_cart', holdoutPercent: 10, stepCount: 2 };
const quiet: RuleInfo = { id: 'r-quiet', name: 'Quiet', trigger: 'birthday', holdoutPercent: 0, stepCount: 1 };

describe('ruleFunnels', () => {
  const counts = [
    { ruleId: 'r-cart', step: 0, status: 'sent', count: 50 },
    { ruleId: 'r-cart', step: 0, status: 'failed', count: 1 },
    { ruleId: 'r-cart', step: 0, status: 'suppressed', count: 9 },
    { ruleId: 'r-cart', step: 0, status: 'holdout', count: 6 },
    { ruleId: 'r-cart', step: 1, status: 'sent', count: 30 },
    { ruleId: 'r-cart', step: 1, status: 'deferred', count: 2 },
    { ruleId: 'r-cart', step: 1, status: 'scheduled', count: 8 },
  ];
  const conversions = [
    { ruleId: 'r-cart', step: 0, conversions: 6, revenue: 300.1 },
    { ruleId: 'r-cart', step: 1, conversions: 3, revenue: 131.4 },
  ];
  const groups = [
    { ruleId: 'r-cart', heldOut: false, converted: 8, revenue: 400 },
    { ruleId: 'r-cart', heldOut: true, converted: 1, revenue: 12.5 },
  ];

  it('counts each step: decided rows are triggered (scheduled and holdout are not), rates are per sent', () => {
    const [rule] = ruleFunnels([cart], counts, conversions, groups, () => true);
    expect(rule.steps).toEqual([
      {
        step: 1,
        triggered: 60,
        sent: 50,
        failed: 1,
        suppressed: 9,
        conversions: 6,
        revenue: 300.1,
        conversionRate: 0.12,
      },
      {
        step: 2,
        triggered: 32,
        sent: 30,
        failed: 0,
        suppressed: 0,
        conversions: 3,
        revenue: 131.4,
        conversionRate: 0.1,
      },
    ]);
    expect(rule).toMatchObject({
      ruleId: 'r-cart',
      name: 'Cart',
      trigger: 'abandoned_cart',
      holdoutPercent: 10,
      triggered: 92,
      sent: 80,
      conversions: 9,
      revenue: 431.5,
      conversionRate: 9 / 80,
    });
  });

  it('compares sequences whose first step was sent with held-out ones; the uplift is the difference of their rates', () => {
    const [rule] = ruleFunnels([cart], counts, conversions, groups, () => true);
    // Messaged: the 50 first steps sent (not the 30 second ones); held out: the 6 holdout rows.
    expect(rule.holdout).toEqual({
      messaged: { customers: 50, conversions: 8, revenue: 400, conversionRate: 0.16 },
      heldOut: { customers: 6, conversions: 1, revenue: 12.5, conversionRate: 1 / 6 },
      uplift: 0.16 - 1 / 6,
    });
  });

  it('has no uplift without held-out customers, and zero rates for nothing sent', () => {
    const [rule] = ruleFunnels([quiet], [], [], [], () => true);
    expect(rule.steps).toEqual([
      { step: 1, triggered: 0, sent: 0, failed: 0, suppressed: 0, conversions: 0, revenue: 0, conversionRate: 0 },
    ]);
    expect(rule.conversionRate).toBe(0);
    expect(rule.holdout.uplift).toBeNull();
    expect(rule.holdout.heldOut).toEqual({ customers: 0, conversions: 0, revenue: 0, conversionRate: 0 });
  });

  it('lists only the rules asked for, and a step the rule no longer has when the log still counts it', () => {
    const rules = ruleFunnels(
      [cart, quiet],
      [{ ruleId: 'r-quiet', step: 2, status: 'sent', count: 1 }],
      [],
      [],
      (rule) => rule.id === 'r-quiet',
    );
    expect(rules.map((r) => r.ruleId)).toEqual(['r-quiet']);
    expect(rules[0].steps.map((s) => s.step)).toEqual([1, 3]);
  });
});

describe('reasonCounts', () => {
  it('sums reasons over rules and channels, most frequent first, and leaves rows without one out', () => {
    expect(
      reasonCounts([
        { reason: 'no_address', status: 'suppressed', count: 2 },
        { reason: 'capped:email:16h', status: 'suppressed', count: 4 },
        { reason: null, status: 'sent', count: 90 },
        { reason: 'no_address', status: 'suppressed', count: 3 },
        { reason: 'smtp:550', status: 'failed', count: 5 },
      ]),
    ).toEqual([
      { reason: 'no_address', status: 'suppressed', count: 5 },
      { reason: 'smtp:550', status: 'failed', count: 5 },
      { reason: 'capped:email:16h', status: 'suppressed', count: 4 },
    ]);
  });
});
