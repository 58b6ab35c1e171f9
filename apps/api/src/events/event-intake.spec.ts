import { ValidationFailedException } from '../errors/validation-failed.exception';
import { prepareEvents } from './event-intake';

const base = { messageId: 'm-1', timestamp: '2025-01-31T12:00:00Z' };

function errorsOf(body: unknown) {
  try {
    prepareEvents(body);
  } catch (error) {
    if (error instanceof ValidationFailedException) return error.errors;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('prepareEvents', () => {
  it('keys customer events by userId, then anonymousId, and catalog events by product', () => {
    const events = [
      { ...base, type: 'identify', userId: 'u-1', anonymousId: 'a-1', traits: {} },
      { ...base, type: 'track', event: 'Product Viewed', anonymousId: 'a-2', properties: { product_id: 'p-1' } },
      {
        ...base,
        type: 'track',
        event: 'Inventory Updated',
        userId: 'admin',
        properties: { product_id: 42, quantity: 3 },
      },
      { ...base, type: 'track', event: 'Inventory Updated', properties: { sku: 'SKU-9', quantity: 0 } },
    ];
    expect(prepareEvents({ batch: events }).map((event) => event.key)).toEqual(['u-1', 'a-2', '42', 'SKU-9']);
  });

  it('keeps the event JSON as the message value', () => {
    const event = { ...base, type: 'track', event: 'Custom Thing', userId: 7, properties: { a: 1 } };
    expect(prepareEvents(event)).toEqual([{ key: '7', value: JSON.stringify(event) }]);
  });

  it('produces a lone surrogate repaired, as the engine would store it', () => {
    const event = { ...base, type: 'identify', userId: 'u-1', traits: { first_name: 'Ana\ud800' } };
    const [out] = prepareEvents(event);
    expect(JSON.parse(out.value).traits.first_name).toBe('Ana\uFFFD');
  });

  it('refuses what the columns cannot hold, with the parser reason', () => {
    const errors = errorsOf({
      ...base,
      type: 'track',
      event: 'Product Added',
      userId: 'u-1',
      properties: { product_id: 'p1', price: 1e13 },
    });
    expect(errors[0].message).toMatch(/properties\.price/);
  });

  it('names every invalid event of a batch by its index', () => {
    const valid = { ...base, type: 'identify', userId: 'u-1' };
    const errors = errorsOf({ batch: [valid, { ...valid, timestamp: 'now' }, 'text', valid] });
    expect(errors.map((error) => error.field)).toEqual(['batch.1', 'batch.2']);
  });

  it('refuses bodies that are neither an event nor a batch', () => {
    expect(errorsOf([{}])[0].field).toBe('(root)');
    expect(errorsOf(undefined)[0].field).toBe('(root)');
    expect(errorsOf({ batch: [] })[0].field).toBe('batch');
    expect(errorsOf({ batch: new Array(501).fill({}) })[0].field).toBe('batch');
  });
});
