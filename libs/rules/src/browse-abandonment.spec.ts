import {
  BrowseActivity,
  BROWSE_OCCASION,
  browseOccasion,
  browsedProducts,
  browseVerdict,
  inBrowseCooldown,
  latestVisit,
  VISIT_GAP_MS,
  visitsOf,
  visitStartingAt,
} from './browse-abandonment';
import { validateRule } from './validate-rule';

const T0 = new Date('2025-06-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const view = (minutes: number, productId: string): BrowseActivity => ({ kind: 'view', at: at(minutes), productId });
const add = (minutes: number, productId: string): BrowseActivity => ({ kind: 'add', at: at(minutes), productId });
const order = (minutes: number): BrowseActivity => ({ kind: 'order', at: at(minutes), productId: null });

describe('visits', () => {
  it('groups views with no gap over 30 minutes, the products most recent first and distinct', () => {
    const visits = visitsOf([view(0, 'a'), view(10, 'b'), view(40, 'a'), view(71, 'c'), view(75, 'c')]);
    expect(visits).toEqual([
      { start: at(0), lastViewAt: at(40), views: 3, products: ['a', 'b'] },
      { start: at(71), lastViewAt: at(75), views: 2, products: ['c'] },
    ]);
  });

  it('keeps a gap of exactly 30 minutes in the visit and splits at one millisecond more', () => {
    const split = new Date(T0.getTime() + VISIT_GAP_MS + 1);
    expect(visitsOf([view(0, 'a'), view(30, 'b')])).toHaveLength(1);
    expect(visitsOf([view(0, 'a'), { kind: 'view', at: split, productId: 'b' }])).toHaveLength(2);
  });

  it('orders views by time whatever order the timeline gave, and ignores additions and orders', () => {
    expect(latestVisit([view(20, 'b'), add(5, 'x'), view(0, 'a'), order(1)])).toEqual({
      start: at(0),
      lastViewAt: at(20),
      views: 2,
      products: ['b', 'a'],
    });
    expect(latestVisit([add(0, 'a')])).toBeNull();
  });

  it('finds the visit an occasion names, and none when its first view is gone', () => {
    const timeline = [view(0, 'a'), view(50, 'b'), view(60, 'c')];
    expect(visitStartingAt(timeline, at(50))).toMatchObject({ views: 2, products: ['c', 'b'] });
    expect(visitStartingAt(timeline, at(45))).toBeNull();
  });
});

describe('browseVerdict', () => {
  const visitOf = (timeline: BrowseActivity[]) => latestVisit(timeline);

  it('reminds a visit of enough views with no addition or order', () => {
    const timeline = [view(0, 'a'), view(1, 'a'), view(2, 'b')];
    expect(browseVerdict(timeline, visitOf(timeline), { minViews: 3 })).toEqual({ remind: true });
    expect(browseVerdict(timeline, visitOf(timeline), { minViews: 4 })).toEqual({
      remind: false,
      reason: 'below_min_views',
    });
  });

  it('ends on any order since the visit began, and not on one before it', () => {
    expect(browseVerdict([view(0, 'a'), order(90)], visitOf([view(0, 'a')]), { minViews: 1 })).toEqual({
      remind: false,
      reason: 'ordered',
    });
    const after = [order(-5), view(0, 'a')];
    expect(browseVerdict(after, visitOf(after), { minViews: 1 })).toEqual({ remind: true });
  });

  it('ends on an addition of anything during the visit, or of a viewed product later', () => {
    const views = [view(0, 'a'), view(10, 'b')];
    const during = [...views, add(35, 'other')];
    const laterViewed = [...views, add(300, 'b')];
    const laterOther = [...views, add(300, 'other')];
    expect(browseVerdict(during, visitOf(views), { minViews: 1 })).toMatchObject({ reason: 'added_to_cart' });
    expect(browseVerdict(laterViewed, visitOf(views), { minViews: 1 })).toMatchObject({ reason: 'added_to_cart' });
    expect(browseVerdict(laterOther, visitOf(views), { minViews: 1 })).toEqual({ remind: true });
  });

  it('ends a visit that is gone', () => {
    expect(browseVerdict([], null, { minViews: 1 })).toEqual({ remind: false, reason: 'visit_missing' });
  });
});

describe('browsedProducts', () => {
  it('leaves sold-out products out and shows at most four, most recent first', () => {
    const visit = latestVisit(['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => view(i, id)))!;
    expect(browsedProducts(visit, (id) => id === 'e')).toEqual(['f', 'd', 'c', 'b']);
    expect(browsedProducts(visit, () => true)).toEqual([]);
  });
});

describe('browse occasion and cooldown', () => {
  it('names the visit by its first view and reads it back', () => {
    expect(browseOccasion(T0)).toBe('browse:2025-06-01T10:00:00.000Z');
    expect(BROWSE_OCCASION.parse(browseOccasion(T0))).toEqual({ visitStart: T0 });
    expect(BROWSE_OCCASION.parse('cart:c1')).toBeNull();
  });

  it('holds back while the last reminder is younger than the cooldown', () => {
    expect(inBrowseCooldown(null, at(0), 'P7D')).toBe(false);
    expect(inBrowseCooldown(at(0), at(60), 'PT2H')).toBe(true);
    expect(inBrowseCooldown(at(0), at(120), 'PT2H')).toBe(false);
  });
});

describe('browse_abandonment params', () => {
  const step = { after: 'PT1H', channels: ['email'], email: { subject: 'Hi', text: 'x' } };
  const rule = (params?: unknown) => ({ name: 'r', trigger: 'browse_abandonment', params, steps: [step] });

  it('defaults minViews to 1 and cooldown to P7D', () => {
    expect(validateRule(rule())).toMatchObject({ ok: true, rule: { params: { minViews: 1, cooldown: 'P7D' } } });
    expect(validateRule(rule({ minViews: 3 }))).toMatchObject({
      ok: true,
      rule: { params: { minViews: 3, cooldown: 'P7D' } },
    });
  });

  it('names a bad minViews or cooldown', () => {
    const result = validateRule(rule({ minViews: 0, cooldown: 'P1M' }));
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'params.minViews', message: 'must be at least 1' },
      { field: 'params.cooldown', message: expect.stringContaining('ISO 8601 duration') },
    ]);
  });
});
