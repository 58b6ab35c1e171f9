import { validateRule } from './validate-rule';

const step = { after: 'PT0S', channels: ['email'], email: { subject: 'Hi {{ customer.first_name }}', text: 'x' } };
const rule = (trigger: string, params?: unknown) => ({ name: 'r', trigger, params, steps: [step] });
const errorsOf = (input: unknown) => {
  const result = validateRule(input);
  return result.ok ? [] : result.errors;
};

describe('trigger params', () => {
  it('accepts every trigger with valid params', () => {
    for (const input of [
      rule('abandoned_cart', { minCartValue: 10 }),
      rule('sleeping_customer', { inactiveDays: 90, maxOrders: 1 }),
      rule('back_in_stock', {}),
      rule('consumable_reorder', { defaultDays: 30, leadDays: 5 }),
      rule('birthday', { daysBefore: 3, sendAt: '09:30' }),
    ]) {
      expect(validateRule(input)).toMatchObject({ ok: true });
    }
  });

  it('defaults birthday and back-in-stock params', () => {
    expect(validateRule(rule('birthday'))).toMatchObject({
      ok: true,
      rule: { params: { daysBefore: 0, sendAt: '10:00' } },
    });
    expect(validateRule(rule('back_in_stock'))).toMatchObject({ ok: true, rule: { params: {} } });
  });

  it('names the missing or wrong field of each trigger', () => {
    expect(errorsOf(rule('sleeping_customer', {}))).toEqual([
      { field: 'params.inactiveDays', message: expect.stringContaining('is required') },
    ]);
    expect(errorsOf(rule('sleeping_customer', { inactiveDays: 90, maxOrders: 0 }))).toEqual([
      { field: 'params.maxOrders', message: expect.stringContaining('at least 1') },
    ]);
    expect(errorsOf(rule('consumable_reorder', { defaultDays: 30 }))).toEqual([
      { field: 'params.leadDays', message: expect.stringContaining('is required') },
    ]);
    expect(errorsOf(rule('consumable_reorder', { defaultDays: 30, leadDays: 30 }))).toEqual([
      { field: 'params.leadDays', message: expect.stringContaining('less than defaultDays') },
    ]);
    expect(errorsOf(rule('birthday', { daysBefore: 1.5, sendAt: '25:00' }))).toEqual([
      { field: 'params.daysBefore', message: 'must be a whole number of days' },
      { field: 'params.sendAt', message: 'must be local time HH:MM' },
    ]);
    expect(errorsOf(rule('back_in_stock', { productId: 'p1' }))).toEqual([
      { field: 'params.productId', message: 'is not a known parameter' },
    ]);
  });
});
