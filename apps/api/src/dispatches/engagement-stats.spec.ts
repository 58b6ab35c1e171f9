import { ruleFunnels } from './rule-funnel';
import { withEngagement } from './engagement-stats';

const RULE = { id: 'r-1', name: 'Cart', trigger: 'abandoned_cart', holdoutPercent: 0, stepCount: 2 };

describe('withEngagement', () => {
  it('counts opens and clicks per step and in total, over the messages sent', () => {
    const funnels = ruleFunnels(
      [RULE],
      [
        { ruleId: 'r-1', step: 0, status: 'sent', count: 4 },
        { ruleId: 'r-1', step: 1, status: 'sent', count: 2 },
      ],
      [],
      [],
      () => true,
    );
    const [rule] = withEngagement(funnels, [
      { ruleId: 'r-1', step: 0, opened: 3, clicked: 1 },
      { ruleId: 'r-1', step: 1, opened: 0, clicked: 1 },
      { ruleId: 'other', step: 0, opened: 9, clicked: 9 },
    ]);
    expect(rule).toMatchObject({ opened: 3, clicked: 2, openRate: 0.5, clickRate: 2 / 6 });
    expect(rule.steps).toEqual([
      { ...funnels[0].steps[0], opened: 3, clicked: 1, openRate: 0.75, clickRate: 0.25 },
      { ...funnels[0].steps[1], opened: 0, clicked: 1, openRate: 0, clickRate: 0.5 },
    ]);
  });

  it('gives zero rates when nothing was sent', () => {
    const [rule] = withEngagement(
      ruleFunnels([RULE], [], [], [], () => true),
      [],
    );
    expect(rule).toMatchObject({ opened: 0, clicked: 0, openRate: 0, clickRate: 0 });
    expect(rule.steps.map((s) => s.openRate)).toEqual([0, 0]);
  });
});
