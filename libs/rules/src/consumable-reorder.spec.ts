import {
  parseReorderOccasion,
  reorderOccasion,
  reorderRunsOutAt,
  reorderStepDueAt,
  reorderVerdict,
} from './consumable-reorder';

const orderedAt = new Date('2026-10-01T12:00:00.000Z');

describe('consumable reorder', () => {
  it('reminds leadDays before the product’s own supply runs out', () => {
    expect(reorderStepDueAt(orderedAt, 30, { defaultDays: 60, leadDays: 5 }, 0).toISOString()).toBe(
      '2026-10-26T12:00:00.000Z',
    );
  });

  it('falls back to the rule’s defaultDays', () => {
    expect(reorderStepDueAt(orderedAt, null, { defaultDays: 60, leadDays: 5 }, 0).toISOString()).toBe(
      '2026-11-25T12:00:00.000Z',
    );
  });

  it('knows when the supply runs out', () => {
    expect(reorderRunsOutAt(orderedAt, 30, { defaultDays: 60, leadDays: 5 }).toISOString()).toBe(
      '2026-10-31T12:00:00.000Z',
    );
    expect(reorderRunsOutAt(orderedAt, null, { defaultDays: 60, leadDays: 5 }).toISOString()).toBe(
      '2026-11-30T12:00:00.000Z',
    );
  });

  it('keeps ids with colons apart in the occasion', () => {
    const occasion = reorderOccasion('sku:42', 'order:7%');
    expect(occasion).toBe('reorder:sku%3A42:order%3A7%25');
    expect(parseReorderOccasion(occasion)).toEqual({ productId: 'sku:42', orderId: 'order:7%' });
    expect(parseReorderOccasion('sleep:2026-01-01T00:00:00.000Z')).toBeNull();
  });

  it('holds while the purchase is still the latest of that product', () => {
    expect(reorderVerdict('o1', 'o1')).toEqual({ remind: true });
    expect(reorderVerdict('o2', 'o1')).toEqual({ remind: false, reason: 'reordered' });
    expect(reorderVerdict(null, 'o1')).toEqual({ remind: false, reason: 'clock_missing' });
  });
});
