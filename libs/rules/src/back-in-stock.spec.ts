import { foldStock, parseRestockOccasion, restockOccasion } from './back-in-stock';

describe('foldStock', () => {
  it('sees a restock only when stock goes from none to some', () => {
    expect(foldStock(0, [5])).toEqual({ stock: 5, restocked: true });
    expect(foldStock(3, [5])).toEqual({ stock: 5, restocked: false });
    expect(foldStock(3, [0, 2])).toEqual({ stock: 2, restocked: true });
    expect(foldStock(0, [0])).toEqual({ stock: 0, restocked: false });
  });

  it('counts an unknown level as out of stock', () => {
    expect(foldStock(null, [4])).toEqual({ stock: 4, restocked: true });
    expect(foldStock(null, [0])).toEqual({ stock: 0, restocked: false });
  });

  it('ignores a restock that sold out again within the batch', () => {
    expect(foldStock(0, [5, 0])).toEqual({ stock: 0, restocked: false });
    expect(foldStock(0, [5, 0, 1])).toEqual({ stock: 1, restocked: true });
  });

  it('leaves the level alone without updates', () => {
    expect(foldStock(7, [])).toEqual({ stock: 7, restocked: false });
  });
});

describe('restock occasions', () => {
  it('round-trip product ids with colons', () => {
    expect(parseRestockOccasion(restockOccasion('a:b', '17'))).toEqual({ productId: 'a:b', requestId: '17' });
  });
});
