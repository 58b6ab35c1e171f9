import { Product } from '@beckon/events';
import { applyCartChange, CartChange, CartState, emptyCart } from './cart-state';

const T0 = new Date('2025-06-01T10:00:00.000Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const mug: Product = { product_id: 'mug', name: 'Mug', price: 12.5, quantity: 1, url: 'https://shop/mug' };
const tea: Product = { product_id: 'tea', name: 'Tea', price: 4.2, quantity: 3 };

function fold(changes: Array<[CartChange, Date]>, start: CartState = emptyCart('cart-1', 'user-1', T0)): CartState {
  return changes.reduce((cart, [change, at]) => applyCartChange(cart, change, at), start);
}

describe('emptyCart', () => {
  it('starts open, empty and worth nothing', () => {
    expect(emptyCart('c', 'u', T0)).toEqual({
      id: 'c',
      customerId: 'u',
      items: [],
      value: 0,
      currency: null,
      status: 'open',
      lastActivityAt: T0,
    });
  });
});

describe('applyCartChange', () => {
  it('merges the same product added twice into one line of quantity 2', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [{ kind: 'add', line: mug }, later(2)],
    ]);
    expect(cart.items).toEqual([
      {
        product_id: 'mug',
        sku: undefined,
        name: 'Mug',
        price: 12.5,
        quantity: 2,
        url: 'https://shop/mug',
        image_url: undefined,
      },
    ]);
    expect(cart.value).toBe(25);
    expect(cart.status).toBe('open');
  });

  it('adds the quantity the event carries', () => {
    const cart = fold([[{ kind: 'add', line: tea }, later(1)]]);
    expect(cart.items.map((i) => i.quantity)).toEqual([3]);
    expect(cart.value).toBe(12.6);
  });

  it('keys lines by sku when there is no product_id', () => {
    const a: Product = { sku: 'SKU-1', price: 1, quantity: 1 };
    const b: Product = { sku: 'SKU-2', price: 2, quantity: 1 };
    const cart = fold([
      [{ kind: 'add', line: a }, later(1)],
      [{ kind: 'add', line: b }, later(2)],
      [{ kind: 'add', line: a }, later(3)],
    ]);
    expect(cart.items.map((i) => [i.sku, i.quantity])).toEqual([
      ['SKU-2', 1],
      ['SKU-1', 2],
    ]);
    expect(cart.value).toBe(4);
  });

  it('decrements on remove and keeps the line while quantity stays above zero', () => {
    const cart = fold([
      [{ kind: 'add', line: { ...mug, quantity: 3 } }, later(1)],
      [{ kind: 'remove', line: mug }, later(2)],
    ]);
    expect(cart.items).toHaveLength(1);
    expect(cart.items[0].quantity).toBe(2);
    expect(cart.value).toBe(25);
    expect(cart.status).toBe('open');
  });

  it('drops the line at zero and marks the cart emptied when nothing is left', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [{ kind: 'remove', line: mug }, later(2)],
    ]);
    expect(cart.items).toEqual([]);
    expect(cart.value).toBe(0);
    expect(cart.status).toBe('emptied');
  });

  it('never lets a quantity go negative when removing more than is there', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [{ kind: 'add', line: tea }, later(2)],
      [{ kind: 'remove', line: { ...mug, quantity: 5 } }, later(3)],
      [{ kind: 'add', line: mug }, later(4)],
    ]);
    expect(cart.items.map((i) => [i.product_id, i.quantity])).toEqual([
      ['tea', 3],
      ['mug', 1],
    ]);
  });

  it('ignores a removal of a product that is not in the cart, apart from the activity', () => {
    const cart = fold([
      [{ kind: 'add', line: tea }, later(1)],
      [{ kind: 'remove', line: mug }, later(2)],
    ]);
    expect(cart.items.map((i) => i.product_id)).toEqual(['tea']);
    expect(cart.lastActivityAt).toEqual(later(2));
  });

  it('replaces all lines with a snapshot, skipping zero-quantity products', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [
        {
          kind: 'snapshot',
          products: [tea, { product_id: 'gone', price: 100, quantity: 0 }],
          currency: 'EUR',
        },
        later(2),
      ],
    ]);
    expect(cart.items.map((i) => [i.product_id, i.quantity])).toEqual([['tea', 3]]);
    expect(cart.value).toBe(12.6);
    expect(cart.currency).toBe('EUR');
    expect(cart.status).toBe('open');
  });

  it('uses the value a snapshot states over the computed one', () => {
    const cart = fold([[{ kind: 'snapshot', products: [tea], value: 11.99 }, later(1)]]);
    expect(cart.value).toBe(11.99);
  });

  it('empties the cart with an empty snapshot', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [{ kind: 'snapshot', products: [] }, later(2)],
    ]);
    expect(cart.items).toEqual([]);
    expect(cart.status).toBe('emptied');
  });

  it('keeps the lines and value on a touch and only updates activity and currency', () => {
    const before = fold([[{ kind: 'add', line: mug }, later(1)]]);
    const after = applyCartChange(before, { kind: 'touch', currency: 'USD' }, later(5));
    expect(after.items).toEqual(before.items);
    expect(after.value).toBe(12.5);
    expect(after.currency).toBe('USD');
    expect(after.lastActivityAt).toEqual(later(5));
    expect(applyCartChange(after, { kind: 'touch' }, later(6)).currency).toBe('USD');
  });

  it('reports an empty cart as emptied on touch', () => {
    expect(applyCartChange(emptyCart('c', 'u', T0), { kind: 'touch' }, later(1)).status).toBe('emptied');
  });

  it('marks the cart ordered and keeps its lines for the record', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [{ kind: 'ordered' }, later(2)],
    ]);
    expect(cart.status).toBe('ordered');
    expect(cart.items).toHaveLength(1);
    expect(cart.value).toBe(12.5);
    expect(cart.lastActivityAt).toEqual(later(2));
  });

  it('reopens an ordered cart that sees a new add', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(1)],
      [{ kind: 'ordered' }, later(2)],
      [{ kind: 'add', line: tea }, later(3)],
    ]);
    expect(cart.status).toBe('open');
  });

  it('never moves lastActivityAt backwards for an older event, but still applies it', () => {
    const cart = fold([
      [{ kind: 'add', line: mug }, later(10)],
      [{ kind: 'add', line: tea }, later(5)],
    ]);
    expect(cart.lastActivityAt).toEqual(later(10));
    expect(cart.items).toHaveLength(2);
    expect(applyCartChange(cart, { kind: 'ordered' }, later(1)).lastActivityAt).toEqual(later(10));
    expect(applyCartChange(cart, { kind: 'touch' }, later(1)).lastActivityAt).toEqual(later(10));
  });

  it('computes the value from price × quantity across lines, ignoring lines without a price', () => {
    const cart = fold([
      [{ kind: 'add', line: { ...mug, quantity: 2 } }, later(1)],
      [{ kind: 'add', line: tea }, later(2)],
      [{ kind: 'add', line: { product_id: 'free', quantity: 4 } }, later(3)],
    ]);
    expect(cart.value).toBe(37.6);
  });

  it('does not mutate the cart it is given', () => {
    const start = fold([[{ kind: 'add', line: mug }, later(1)]]);
    const snapshot = structuredClone(start);
    applyCartChange(start, { kind: 'add', line: mug }, later(2));
    applyCartChange(start, { kind: 'remove', line: mug }, later(2));
    expect(start).toEqual(snapshot);
  });
});

describe('applyCartChange with sparse events', () => {
  it('keeps the name and price an earlier add brought when a remove names only the product', () => {
    let cart = applyCartChange(emptyCart('c', 'u', T0), { kind: 'add', line: { ...mug, quantity: 2 } }, later(1));
    cart = applyCartChange(cart, { kind: 'remove', line: { product_id: 'mug', quantity: 1 } }, later(2));
    expect(cart.items).toEqual([expect.objectContaining({ product_id: 'mug', name: 'Mug', price: 12.5, quantity: 1 })]);
    expect(cart.value).toBe(12.5);
  });
});
