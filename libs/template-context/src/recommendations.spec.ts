import { CatalogProduct } from './catalog';
import { pickRecommendations } from './recommendations';

const order = (id: string, day: number, productIds: string[]) => ({
  id,
  placedAt: new Date(Date.UTC(2026, 0, day)),
  total: null,
  currency: null,
  products: productIds.map((productId) => ({ product_id: productId, name: `old ${productId}`, price: 1, quantity: 2 })),
});

const catalogEntry = (id: string, stock: number | null): CatalogProduct => ({
  id,
  sku: null,
  name: `Current ${id}`,
  price: 9.5,
  url: `https://shop.example.com/${id}`,
  imageUrl: null,
  stock,
});

describe('pickRecommendations', () => {
  it('prefers what the customer bought most often, then most recently', () => {
    const orders = [order('o1', 1, ['tea', 'mug']), order('o2', 5, ['tea', 'filter']), order('o3', 9, ['beans'])];
    expect(pickRecommendations(orders, new Map(), 3).map((p) => p.product_id)).toEqual(['tea', 'beans', 'filter']);
  });

  it('counts a product once per order', () => {
    const orders = [order('o1', 1, ['tea', 'tea', 'tea']), order('o2', 2, ['mug']), order('o3', 3, ['mug'])];
    expect(pickRecommendations(orders, new Map()).map((p) => p.product_id)).toEqual(['mug', 'tea']);
  });

  it('uses the catalog’s current details and leaves out sold-out products', () => {
    const catalog = new Map([
      ['tea', catalogEntry('tea', 3)],
      ['mug', catalogEntry('mug', 0)],
    ]);
    const picked = pickRecommendations([order('o1', 1, ['tea', 'mug', 'spoon'])], catalog);
    expect(picked).toEqual([
      {
        product_id: 'spoon',
        sku: null,
        name: 'old spoon',
        price: 1,
        url: null,
        image_url: null,
      },
      {
        product_id: 'tea',
        sku: null,
        name: 'Current tea',
        price: 9.5,
        url: 'https://shop.example.com/tea',
        image_url: null,
        stock: 3,
      },
    ]);
  });

  it('has nothing to say without history', () => {
    expect(pickRecommendations([], new Map())).toEqual([]);
  });
});
