import fc from 'fast-check';
import { CART_OCCASION } from './abandoned-cart';
import { RESTOCK_OCCASION } from './back-in-stock';
import { BIRTHDAY_OCCASION } from './birthday';
import { REORDER_OCCASION } from './consumable-reorder';
import { DISPATCH_KEY, dispatchKey } from './occasion-key';
import { SLEEP_OCCASION } from './sleeping-customer';

const id = fc.string({ minLength: 1, maxLength: 20 });
const instant = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('occasion keys', () => {
  it('keep the formats already stored in the dispatch log', () => {
    expect(REORDER_OCCASION.of({ productId: 'p:1%', orderId: 'o:2' })).toBe('reorder:p%3A1%25:o%3A2');
    expect(RESTOCK_OCCASION.of({ productId: 'p:1', requestId: '42' })).toBe('restock:p%3A1:42');
    expect(SLEEP_OCCASION.of({ lastOrderAt: new Date('2026-01-02T03:04:05.006Z') })).toBe(
      'sleep:2026-01-02T03:04:05.006Z',
    );
    expect(BIRTHDAY_OCCASION.of({ year: 2027 })).toBe('birthday:2027');
    expect(CART_OCCASION.of({ cartId: 'c:1' })).toBe('cart:c:1');
    expect(dispatchKey('r', 'c', 'cart:x', 0)).toBe('r|c|cart:x|0');
  });

  it('read back what they write, whatever the ids hold', () => {
    fc.assert(
      fc.property(id, id, instant, fc.integer({ min: 0, max: 9999 }), (a, b, at, year) => {
        expect(REORDER_OCCASION.parse(REORDER_OCCASION.of({ productId: a, orderId: b }))).toEqual({
          productId: a,
          orderId: b,
        });
        expect(RESTOCK_OCCASION.parse(RESTOCK_OCCASION.of({ productId: a, requestId: b }))).toEqual({
          productId: a,
          requestId: b,
        });
        expect(CART_OCCASION.parse(CART_OCCASION.of({ cartId: a }))).toEqual({ cartId: a });
        expect(SLEEP_OCCASION.parse(SLEEP_OCCASION.of({ lastOrderAt: at }))).toEqual({ lastOrderAt: at });
        expect(BIRTHDAY_OCCASION.parse(BIRTHDAY_OCCASION.of({ year }))).toEqual({ year });
      }),
    );
  });

  it('give every key of a product the prefix that ends its sequences', () => {
    fc.assert(
      fc.property(id, id, id, (product, order, other) => {
        const key = REORDER_OCCASION.of({ productId: product, orderId: order });
        expect(key.startsWith(REORDER_OCCASION.prefixOf({ productId: product }))).toBe(true);
        if (other !== product) {
          expect(key.startsWith(REORDER_OCCASION.prefixOf({ productId: other }))).toBe(false);
        }
      }),
    );
  });

  it('refuse keys of another kind or shape', () => {
    expect(REORDER_OCCASION.parse('restock:p:1')).toBeNull();
    expect(REORDER_OCCASION.parse('reorder:p')).toBeNull();
    expect(REORDER_OCCASION.parse('reorder:p:o:extra')).toEqual({ productId: 'p', orderId: 'o:extra' });
    expect(BIRTHDAY_OCCASION.parse('birthday:twenty')).toBeNull();
    expect(SLEEP_OCCASION.parse('sleep:yesterday')).toBeNull();
  });

  it('render SQL that quotes the separators', () => {
    expect(DISPATCH_KEY.sql({ ruleId: 'r', customerId: 'c', occasion: 'o', step: '0' })).toBe(
      "r::text || '|' || c::text || '|' || o::text || '|' || (0)::text",
    );
  });
});
