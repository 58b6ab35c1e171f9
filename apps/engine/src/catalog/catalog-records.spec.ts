import { changesProduct, productKey, StoredProduct } from './catalog-records';

const stored: StoredProduct = {
  id: 'p1',
  sku: 'SKU-1',
  name: 'Kettle',
  price: '49.90',
  url: 'https://shop.example.com/p1',
  image_url: null,
};

describe('changesProduct', () => {
  it('writes a product the catalog does not know', () => {
    expect(changesProduct(undefined, { id: 'p1' })).toBe(true);
  });

  it('skips details the catalog already has, or that the event leaves out', () => {
    expect(changesProduct(stored, { id: 'p1', name: 'Kettle', price: 49.9 })).toBe(false);
    expect(changesProduct(stored, { id: 'p1' })).toBe(false);
  });

  it('writes what changed or was missing', () => {
    expect(changesProduct(stored, { id: 'p1', price: 39.9 })).toBe(true);
    expect(changesProduct(stored, { id: 'p1', imageUrl: 'https://shop.example.com/p1.jpg' })).toBe(true);
    expect(changesProduct({ ...stored, price: null }, { id: 'p1', price: 49.9 })).toBe(true);
  });
});

describe('productKey', () => {
  it('prefers product_id and falls back to the SKU', () => {
    expect(productKey({ product_id: 'p1', sku: 'S' })).toBe('p1');
    expect(productKey({ sku: 'S' })).toBe('sku:S');
    expect(productKey({})).toBeNull();
  });
});
