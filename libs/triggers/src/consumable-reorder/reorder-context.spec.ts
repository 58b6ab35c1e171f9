import { ReorderClock, reorderTemplateData, runningOutTogether } from './reorder-context';

const clock = (productId: string, orderId: string, supplyDays: number | null): ReorderClock => ({
  customerId: 'u1',
  productId,
  orderId,
  orderedAt: new Date('2026-10-01T00:00:00Z'),
  supplyDays,
  product: { product_id: productId, name: `Product ${productId}`, price: 5, quantity: 2 },
});

describe('runningOutTogether', () => {
  const params = { defaultDays: 30, leadDays: 2 };

  it('lists the products of the same order that last as long, the given one first', () => {
    const beans = clock('beans', 'o1', 30);
    const filters = clock('filters', 'o1', null);
    const descaler = clock('descaler', 'o1', 90);
    const other = clock('tea', 'o2', 30);
    expect(runningOutTogether(filters, [beans, filters, descaler, other], params)).toEqual([filters, beans]);
  });
});

describe('reorderTemplateData', () => {
  it('names the products, the first as `product`, and the order', () => {
    const data = reorderTemplateData([clock('beans', 'o1', 30)], new Map());
    expect(data).toEqual({
      products: [
        { product_id: 'beans', sku: null, name: 'Product beans', price: 5, url: null, image_url: null, quantity: 2 },
      ],
      product: {
        product_id: 'beans',
        sku: null,
        name: 'Product beans',
        price: 5,
        url: null,
        image_url: null,
        quantity: 2,
      },
      order: { id: 'o1', placed_at: '2026-10-01T00:00:00.000Z' },
    });
  });
});
