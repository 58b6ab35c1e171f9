import { Rule } from '@beckon/rules';
import { DueDispatch } from '@beckon/triggers';
import { inFiringOrder } from './firing-order';

const due = (id: string, ruleId: string, minute: number): DueDispatch => ({
  id,
  ruleId,
  customerId: 'u1',
  occasion: 'x',
  step: 0,
  dueAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
  correlationId: null,
});
const rule = (id: string, priority: number) => [id, { id, priority } as Rule] as const;

describe('inFiringOrder', () => {
  it('decides higher-priority rules first, then the longest overdue', () => {
    const rules = new Map([rule('birthday', 200), rule('sleep', 50), rule('cart', 100)]);
    const order = inFiringOrder(
      [due('a', 'sleep', 1), due('b', 'cart', 3), due('c', 'birthday', 5), due('d', 'cart', 2)],
      rules,
    );
    expect(order.map((d) => d.id)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('puts steps of deleted rules last', () => {
    const order = inFiringOrder([due('a', 'gone', 0), due('b', 'cart', 9)], new Map([rule('cart', 0)]));
    expect(order.map((d) => d.id)).toEqual(['b', 'a']);
  });
});
