import { careFromSignals, careReason, careSignalOf, isCareExempt } from './care-window';
import { capSettingsSchema, careSettingsSchema, defaultCareSettings } from './caps.schema';

const track = (event: string, properties: Record<string, unknown> = {}) => ({ type: 'track', event, properties });
const T0 = new Date('2026-03-01T10:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);

describe('careSignalOf', () => {
  it('reads refunds, cancellations and complaints as they are, with their order', () => {
    expect(careSignalOf(track('Order Refunded', { order_id: 'o1' }))).toEqual({
      signal: 'refund',
      orderId: 'o1',
      score: null,
      rating: null,
    });
    expect(careSignalOf(track('Order Cancelled', { order_id: 'o2' }))?.signal).toBe('cancellation');
    expect(careSignalOf(track('Complaint Filed', { reason: 'late' }))).toEqual({
      signal: 'complaint',
      orderId: null,
      score: null,
      rating: null,
    });
  });

  it('takes a survey answer of 0–6 as a detractor, 7 and above as nothing', () => {
    expect(careSignalOf(track('Survey Answered', { score: 6, order_id: 'o1' }))).toEqual({
      signal: 'detractor',
      orderId: 'o1',
      score: 6,
      rating: null,
    });
    expect(careSignalOf(track('Survey Answered', { score: 0 }))?.signal).toBe('detractor');
    expect(careSignalOf(track('Survey Answered', { score: 7 }))).toBeNull();
    expect(careSignalOf(track('Survey Answered', { score: 10 }))).toBeNull();
  });

  it('takes a review of 1 or 2 stars as a low review, 3 and above as nothing', () => {
    expect(careSignalOf(track('Product Reviewed', { product_id: 'p', rating: 2 }))).toEqual({
      signal: 'low_review',
      orderId: null,
      score: null,
      rating: 2,
    });
    expect(careSignalOf(track('Product Reviewed', { rating: 1 }))?.rating).toBe(1);
    expect(careSignalOf(track('Product Reviewed', { rating: 3 }))).toBeNull();
  });

  it('finds nothing in other events', () => {
    expect(careSignalOf(track('Order Completed', { order_id: 'o1' }))).toBeNull();
    expect(careSignalOf(track('Order Delivered', { order_id: 'o1' }))).toBeNull();
    expect(careSignalOf({ type: 'identify' })).toBeNull();
  });
});

describe('careFromSignals', () => {
  it('keeps each customer in care for the window after their latest-ending signal', () => {
    const care = careFromSignals(
      [
        { customerId: 'u1', signal: 'refund', at: at(0) },
        { customerId: 'u1', signal: 'complaint', at: at(3) },
        { customerId: 'u1', signal: 'low_review', at: at(1) },
        { customerId: 'u2', signal: 'detractor', at: at(0) },
      ],
      defaultCareSettings(),
    );
    expect(care).toEqual(
      new Map([
        ['u1', { until: at(17), signal: 'complaint' }],
        ['u2', { until: at(14), signal: 'detractor' }],
      ]),
    );
  });

  it('leaves out the signals the settings do not name, and everything with signals []', () => {
    const signals = [
      { customerId: 'u1', signal: 'refund' as const, at: at(0) },
      { customerId: 'u2', signal: 'detractor' as const, at: at(0) },
    ];
    expect([...careFromSignals(signals, { window: 'PT48H', signals: ['detractor'] })]).toEqual([
      ['u2', { until: at(2), signal: 'detractor' }],
    ]);
    expect(careFromSignals(signals, { window: 'P14D', signals: [] }).size).toBe(0);
  });
});

describe('careReason', () => {
  const care = { until: at(14), signal: 'refund' as const };

  it('holds a step back with care:<signal> until the window ends, not after', () => {
    expect(careReason(care, defaultCareSettings(), at(13))).toBe('care:refund');
    expect(careReason(care, defaultCareSettings(), at(14))).toBeNull();
    expect(careReason(null, defaultCareSettings(), at(1))).toBeNull();
  });

  it('holds nothing back once the signal is turned off', () => {
    expect(careReason(care, { window: 'P14D', signals: ['complaint'] }, at(1))).toBeNull();
    expect(careReason(care, { window: 'P14D', signals: [] }, at(1))).toBeNull();
  });
});

describe('isCareExempt', () => {
  it('lets exempt rules and care-exempt triggers through, nothing else', () => {
    expect(isCareExempt({ caps: { exempt: true } }, undefined)).toBe(true);
    expect(isCareExempt({ caps: { exempt: false } }, { careExempt: true })).toBe(true);
    expect(isCareExempt({ caps: { exempt: false } }, {})).toBe(false);
    expect(isCareExempt({}, undefined)).toBe(false);
  });
});

describe('the care settings', () => {
  it('default to all five signals for two weeks, also for caps written without them', () => {
    expect(defaultCareSettings()).toEqual({
      window: 'P14D',
      signals: ['detractor', 'refund', 'cancellation', 'complaint', 'low_review'],
    });
    const caps = capSettingsSchema.parse({ rules: [], quietHours: null, defaultTimezone: 'UTC' });
    expect(caps.care).toEqual(defaultCareSettings());
  });

  it('refuse unknown or repeated signals and windows that are not a duration from an hour to a year', () => {
    const fields = (value: unknown) => careSettingsSchema.safeParse(value).error?.issues.map((i) => i.path.join('.'));
    expect(fields({ window: 'P14D', signals: ['angry'] })).toEqual(['signals.0']);
    expect(fields({ window: 'P14D', signals: ['refund', 'refund'] })).toEqual(['signals']);
    for (const window of ['14 days', 'P1M', 'PT30M', 'P366D', ''])
      expect(fields({ window, signals: [] })).toEqual(['window']);
    expect(fields({ window: 'PT1H', signals: [] })).toBeUndefined();
    expect(fields({ window: 'P14D' })).toEqual(['signals']);
  });
});
