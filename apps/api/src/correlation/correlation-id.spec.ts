import { correlationIdFrom } from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlationIdFrom', () => {
  it("keeps the caller's token", () => {
    expect(correlationIdFrom('req-42:shop.example/checkout')).toBe('req-42:shop.example/checkout');
    expect(correlationIdFrom(['first', 'second'])).toBe('first');
  });

  it('makes a new uuid when there is none or it is not a short token', () => {
    for (const header of [undefined, '', 'has space', 'x'.repeat(129), 'line\nbreak', '{"json":1}']) {
      expect(correlationIdFrom(header)).toMatch(UUID);
    }
    expect(correlationIdFrom(undefined)).not.toBe(correlationIdFrom(undefined));
  });
});
