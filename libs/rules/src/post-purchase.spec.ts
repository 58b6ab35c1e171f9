import { npsGroup } from './nps';
import { DAY_MS } from './caps/local-time';
import {
  isStaleMoment,
  matchesAudience,
  orderOccasion,
  ORDER_OCCASION,
  postPurchaseMoment,
  postPurchaseVerdict,
  skipsToNextStep,
} from './post-purchase';
import { validateRule } from './validate-rule';

const placedAt = new Date('2026-11-01T10:00:00Z');
const order = { placedAt, deliveredAt: null, refundedAt: null, cancelledAt: null };

describe('npsGroup and matchesAudience', () => {
  it('class 9-10 as promoters, 7-8 as passives, 0-6 as detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsGroup)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it('match a step without when for anyone, and unanswered only without an answer', () => {
    expect(matchesAudience(undefined, null)).toBe(true);
    expect(matchesAudience(undefined, 3)).toBe(true);
    expect(matchesAudience('unanswered', null)).toBe(true);
    expect(matchesAudience('unanswered', 10)).toBe(false);
    expect(matchesAudience('promoter', null)).toBe(false);
    expect(matchesAudience('promoter', 9)).toBe(true);
    expect(matchesAudience('promoter', 8)).toBe(false);
    expect(matchesAudience('detractor', 6)).toBe(true);
  });
});

describe('postPurchaseMoment', () => {
  it('is the order for from: ordered, whether or not it was delivered', () => {
    const delivered = { placedAt, deliveredAt: new Date(placedAt.getTime() + DAY_MS) };
    expect(postPurchaseMoment(delivered, { from: 'ordered', fallbackDays: 7 })).toEqual(placedAt);
  });

  it('is the delivery for from: delivered, else fallbackDays after the order', () => {
    const deliveredAt = new Date(placedAt.getTime() + 2 * DAY_MS);
    expect(postPurchaseMoment({ placedAt, deliveredAt }, { from: 'delivered', fallbackDays: 7 })).toEqual(deliveredAt);
    expect(postPurchaseMoment({ placedAt, deliveredAt: null }, { from: 'delivered', fallbackDays: 5 })).toEqual(
      new Date(placedAt.getTime() + 5 * DAY_MS),
    );
  });

  it('calls a moment more than a week past stale', () => {
    expect(isStaleMoment(placedAt, new Date(placedAt.getTime() + 7 * DAY_MS))).toBe(false);
    expect(isStaleMoment(placedAt, new Date(placedAt.getTime() + 7 * DAY_MS + 1))).toBe(true);
  });
});

describe('postPurchaseVerdict', () => {
  it('ends on a missing, refunded or cancelled order, before looking at the answer', () => {
    expect(postPurchaseVerdict(null, undefined, null)).toEqual({ send: false, reason: 'order_missing' });
    expect(postPurchaseVerdict({ ...order, refundedAt: placedAt }, 'promoter', 10)).toEqual({
      send: false,
      reason: 'order_refunded',
    });
    expect(postPurchaseVerdict({ ...order, cancelledAt: placedAt }, undefined, null)).toEqual({
      send: false,
      reason: 'order_cancelled',
    });
  });

  it('names the step’s when when the answer does not match, and only then goes on to the next step', () => {
    const skipped = postPurchaseVerdict(order, 'promoter', 3);
    expect(skipped).toEqual({ send: false, reason: 'when:promoter' });
    expect(skipsToNextStep(skipped)).toBe(true);
    expect(skipsToNextStep(postPurchaseVerdict(null, 'promoter', 3))).toBe(false);
    expect(postPurchaseVerdict(order, 'promoter', 10)).toEqual({ send: true });
    expect(postPurchaseVerdict(order, 'unanswered', null)).toEqual({ send: true });
  });
});

describe('the post_purchase occasion', () => {
  it('is the order, read back whatever its id holds', () => {
    expect(orderOccasion('o-1')).toBe('order:o-1');
    expect(ORDER_OCCASION.parse(orderOccasion('a:b%c'))).toEqual({ orderId: 'a:b%c' });
  });
});

describe('post_purchase rules', () => {
  const step = { after: 'PT0S', channels: ['email'], email: { subject: 's', text: 't' } };

  it('default to from: delivered and fallbackDays 7, and take when on their steps', () => {
    const result = validateRule({ name: 'r', trigger: 'post_purchase', steps: [step, { ...step, when: 'promoter' }] });
    expect(result.ok && result.rule.params).toEqual({ from: 'delivered', fallbackDays: 7 });
    expect(result.ok && result.rule.trigger === 'post_purchase' && result.rule.steps[1].when).toBe('promoter');
  });

  it('refuse an unknown when, a bad from and a fallback out of range, naming the field', () => {
    const result = validateRule({
      name: 'r',
      trigger: 'post_purchase',
      params: { from: 'shipped', fallbackDays: 0 },
      steps: [{ ...step, when: 'happy' }],
    });
    expect(result.ok ? [] : result.errors.map((e) => e.field).sort()).toEqual([
      'params.fallbackDays',
      'params.from',
      'steps.0.when',
    ]);
  });

  it('refuse when on the steps of another trigger, saying why', () => {
    const result = validateRule({ name: 'r', trigger: 'abandoned_cart', steps: [{ ...step, when: 'promoter' }] });
    expect(result.ok ? [] : result.errors).toEqual([
      {
        field: 'steps.0.when',
        message: 'only steps of a post_purchase rule may carry "when" (they follow the survey answer)',
      },
    ]);
  });
});
