import { HOLDOUT_BUCKETS, holdoutBucket, holdsBack, isHeldOut } from './holdout';

const RULE = '3f1c2b9e-7d4a-4c1e-9b2f-5a6d7e8f9012';
const customers = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);

describe('holdoutBucket', () => {
  it('is the same for the same rule and customer, every time', () => {
    // Pinned: a change of hash would silently move customers between the groups of running rules.
    expect(holdoutBucket(RULE, 'ada')).toBe(5903);
    expect(holdoutBucket(RULE, 'customer-1')).toBe(5245);
  });

  it('stays within 0..9999 and spreads customers evenly over the buckets', () => {
    const perDecile = new Array<number>(10).fill(0);
    for (const customer of customers) {
      const bucket = holdoutBucket(RULE, customer);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(HOLDOUT_BUCKETS);
      perDecile[Math.floor(bucket / 1000)]++;
    }
    for (const count of perDecile) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('splits the customers of two rules independently', () => {
    const other = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const heldByBoth = customers.filter((c) => isHeldOut(RULE, c, 10) && isHeldOut(other, c, 10)).length;
    // Independent 10 % splits overlap on about 1 % of the customers, not on 10 %.
    expect(heldByBoth / customers.length).toBeGreaterThan(0.005);
    expect(heldByBoth / customers.length).toBeLessThan(0.02);
  });

  it('does not confuse the boundary between rule and customer id', () => {
    expect(holdoutBucket('ab', 'c')).not.toBe(holdoutBucket('a', 'bc'));
  });
});

describe('isHeldOut', () => {
  it.each([1, 5, 10, 25, 50])('holds back about %d %% of the customers', (percent) => {
    const held = customers.filter((c) => isHeldOut(RULE, c, percent)).length / customers.length;
    expect(Math.abs(held - percent / 100)).toBeLessThan(0.01);
  });

  it('holds back nobody at 0 %', () => {
    expect(customers.some((c) => isHeldOut(RULE, c, 0))).toBe(false);
  });

  it('keeps a held-out customer held out when the percentage grows', () => {
    const atTen = customers.filter((c) => isHeldOut(RULE, c, 10));
    expect(atTen.every((c) => isHeldOut(RULE, c, 20))).toBe(true);
  });

  it('uses two decimals of the percentage: bucket b is held out from (b + 1) / 100 %', () => {
    expect(isHeldOut(RULE, 'customer-1', 52.45)).toBe(false);
    expect(isHeldOut(RULE, 'customer-1', 52.46)).toBe(true);
  });
});

describe('holdsBack', () => {
  const rule = { id: RULE, holdoutPercent: 52.46 };

  it('decides at the first step of a sequence only', () => {
    expect(holdsBack(rule, 0, 'customer-1')).toBe(true);
    expect(holdsBack(rule, 1, 'customer-1')).toBe(false);
    expect(holdsBack(rule, 0, 'ada')).toBe(false);
  });

  it('holds nobody back for a rule without a holdout', () => {
    expect(holdsBack({ id: RULE, holdoutPercent: 0 }, 0, 'customer-1')).toBe(false);
  });
});
