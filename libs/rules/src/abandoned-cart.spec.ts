import { abandonedCartVerdict, CartSnapshot, cartValue } from './abandoned-cart';

const cart = (over: Partial<CartSnapshot> = {}): CartSnapshot => ({
  status: 'open',
  itemCount: 2,
  value: 50,
  lastActivityAt: new Date('2025-01-01T00:00:00Z'),
  ...over,
});

describe('abandonedCartVerdict', () => {
  it('reminds about an open cart with items at or above the minimum value', () => {
    expect(abandonedCartVerdict(cart(), { minCartValue: 0 })).toEqual({ remind: true });
    expect(abandonedCartVerdict(cart({ value: 50 }), { minCartValue: 50 })).toEqual({ remind: true });
  });

  it('does not remind once the cart was ordered, whatever else holds', () => {
    expect(abandonedCartVerdict(cart({ status: 'ordered', itemCount: 0, value: 0 }), { minCartValue: 100 })).toEqual({
      remind: false,
      reason: 'order_completed',
    });
  });

  it('does not remind about an emptied cart', () => {
    expect(abandonedCartVerdict(cart({ status: 'emptied', itemCount: 0, value: 0 }), { minCartValue: 0 })).toEqual({
      remind: false,
      reason: 'cart_emptied',
    });
  });

  it('treats an open cart without items as emptied, before looking at its value', () => {
    expect(abandonedCartVerdict(cart({ itemCount: 0, value: 0 }), { minCartValue: 10 })).toEqual({
      remind: false,
      reason: 'cart_emptied',
    });
  });

  it('does not remind about a cart below the minimum value', () => {
    expect(abandonedCartVerdict(cart({ value: 49.99 }), { minCartValue: 50 })).toEqual({
      remind: false,
      reason: 'below_min_value',
    });
  });
});

describe('cartValue', () => {
  it('sums price times quantity', () => {
    expect(
      cartValue([
        { price: 10, quantity: 2 },
        { price: 5.5, quantity: 1 },
      ]),
    ).toBe(25.5);
  });

  it('rounds to cents, hiding floating-point noise', () => {
    expect(cartValue([{ price: 0.1, quantity: 3 }])).toBe(0.3);
    expect(
      cartValue([
        { price: 0.1, quantity: 1 },
        { price: 0.2, quantity: 1 },
      ]),
    ).toBe(0.3);
    expect(cartValue([{ price: 3.333, quantity: 3 }])).toBe(10);
  });

  it('counts a line without a price as zero', () => {
    expect(cartValue([{ quantity: 4 }, { price: 2, quantity: 1 }])).toBe(2);
  });

  it('is zero for an empty cart', () => {
    expect(cartValue([])).toBe(0);
  });
});
