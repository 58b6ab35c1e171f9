import fc from 'fast-check';

/**
 * Storefront events drawn from the edges of the schema, each with what must become of it. Every field
 * is drawn either from values the contract accepts or from values it refuses, so the expectation
 * follows from the draw: one refused field dead-letters the event, all accepted fields store it.
 */
export interface HostileEvent {
  id: string;
  key: string;
  text: string;
  expect: 'stored' | 'dead-lettered';
  /** The refused fields, for the failure message. */
  why: string[];
}

interface Drawn {
  value: unknown;
  refused?: string;
}

const accepted = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Drawn> => arb.map((value) => ({ value }));
const refused = (why: string, arb: fc.Arbitrary<unknown>): fc.Arbitrary<Drawn> =>
  arb.map((value) => ({ value, refused: why }));
const either = (ok: fc.Arbitrary<Drawn>, bad: fc.Arbitrary<Drawn>) =>
  fc.oneof({ arbitrary: ok, weight: 4 }, { arbitrary: bad, weight: 1 });

const money = either(
  fc.oneof(
    accepted(fc.constantFrom(0, 0.01, 9.9, 999_999_999_999.99, '9.90', '0')),
    accepted(fc.double({ min: 0, max: 999_999_999_999, noNaN: true })),
  ),
  fc.oneof(
    refused('money out of range', fc.constantFrom(-1, 1e12, 1e13, 1e308, -1e13)),
    refused('money of the wrong type', fc.constantFrom([7], true, '', 'abc', '1e5', {}, '9,90')),
  ),
);

const quantity = either(
  accepted(fc.constantFrom(0, 1, 2, 1_000_000, '2')),
  refused('quantity out of range or type', fc.constantFrom(-1, 1.5, 1_000_001, 1e15, [2], 'two', false)),
);

const stock = either(
  accepted(fc.constantFrom(0, 5, 2_147_483_647, '3')),
  refused('stock out of range or type', fc.constantFrom(2_147_483_648, 3e9, -1, [1], 0.5)),
);

/** Any UTF-16 code units, lone surrogates included (they are repaired), NUL excluded (it is refused). */
const text = (max: number) =>
  either(
    fc.oneof(
      accepted(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'))),
      accepted(fc.constantFrom('\ud800', 'a\udfff', '\udbff\udbff', 'x'.repeat(max))),
    ),
    fc.oneof(
      refused(
        'text with NUL',
        fc.string({ maxLength: 10 }).map((s) => `${s}\u0000${s}`),
      ),
      refused('text too long', fc.constant('x'.repeat(max + 1))),
      refused('text of the wrong type', fc.constantFrom(7, [], { a: 1 })),
    ),
  );

const timestamp = either(
  fc.oneof(
    accepted(
      fc
        .date({
          min: new Date('0001-01-01T00:00:00.000Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString()),
    ),
    accepted(fc.constantFrom('2025-05-01T12:00:00+05:30', '9999-12-31T23:59:59+01:00', '0001-01-01T00:00:00Z')),
  ),
  refused(
    'timestamp outside 0001-9999 or not ISO 8601',
    fc.constantFrom(
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-23:59',
      'yesterday',
      '',
      12345,
      '2025-13-01T00:00:00Z',
    ),
  ),
);

const birthday = either(
  accepted(fc.constantFrom('2000-02-29', '0001-01-01', '1990-12-31', '9999-12-31')),
  refused('birthday not a storable date', fc.constantFrom('0000-02-29', '2023-02-29', '1990-13-01', '', 19900101)),
);

const productId = either(
  accepted(fc.oneof(fc.constantFrom('p1', 'p-2', '١٢'), fc.integer({ min: -1000, max: 1_000_000 }))),
  refused('product id empty, too long or of the wrong type', fc.constantFrom('', 'x'.repeat(256), 1.5, [1], {}, null)),
);

/** Custom properties: any JSON a few levels deep; now and then something the store or the parser must refuse. */
const customProperties = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })) },
  { weight: 1, arbitrary: fc.constant('__TINY__') },
  { weight: 1, arbitrary: fc.constant('__DEEP__') },
);

const sequences = { next: 0 };

/** What must become of an event whose fields were drawn so. */
function verdict(fields: Record<string, Drawn>): Pick<HostileEvent, 'expect' | 'why'> {
  const why = Object.values(fields)
    .map((f) => f.refused)
    .filter((w): w is string => w !== undefined);
  return { expect: why.length > 0 ? 'dead-lettered' : 'stored', why };
}

const valuesOf = (fields: Record<string, Drawn>) =>
  Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.value]));

const customer = fc.integer({ min: 1, max: 20 }).map((n) => `u-${n}`);

const eventArbitrary: fc.Arbitrary<(id: string) => HostileEvent> = fc.oneof(
  fc.record({ who: customer, timestamp, first_name: text(255), birthday }).map(({ who, ...f }) => (id: string) => {
    return {
      ...verdict(f),
      id,
      key: who,
      text: JSON.stringify({
        type: 'identify',
        messageId: id,
        userId: who,
        timestamp: f.timestamp.value,
        traits: { first_name: f.first_name.value, birthday: f.birthday.value },
      }),
    };
  }),
  fc
    .record({ who: customer, timestamp, product_id: productId, name: text(2048), price: money, quantity })
    .map(({ who, timestamp: at, ...p }) => (id: string) => ({
      ...verdict({ timestamp: at, ...p }),
      id,
      key: who,
      text: JSON.stringify({
        type: 'track',
        event: 'Product Added',
        messageId: id,
        userId: who,
        timestamp: at.value,
        properties: { cart_id: `c-${who}`, ...valuesOf(p) },
      }),
    })),
  fc
    .record({ who: customer, timestamp, total: money, price: money, quantity })
    .map(({ who, timestamp: at, total, price, quantity: q }) => (id: string) => ({
      ...verdict({ timestamp: at, total, price, quantity: q }),
      id,
      key: who,
      text: JSON.stringify({
        type: 'track',
        event: 'Order Completed',
        messageId: id,
        userId: who,
        timestamp: at.value,
        properties: {
          order_id: `o-${id}`,
          total: total.value,
          products: [{ product_id: 'p1', price: price.value, quantity: q.value }],
        },
      }),
    })),
  fc.record({ timestamp, product_id: productId, quantity: stock }).map(({ timestamp: at, ...p }) => (id: string) => ({
    ...verdict({ timestamp: at, ...p }),
    id,
    key: 'catalog',
    text: JSON.stringify({
      type: 'track',
      event: 'Inventory Updated',
      messageId: id,
      timestamp: at.value,
      properties: valuesOf(p),
    }),
  })),
  fc.record({ who: customer, timestamp, properties: customProperties }).map(({ who, timestamp: at, properties }) => {
    return (id: string): HostileEvent => {
      const envelope = `"type":"track","event":"Custom Thing","messageId":"${id}","userId":"${who}","timestamp":${JSON.stringify(at.value)}`;
      const why = at.refused === undefined ? [] : [at.refused];
      if (properties === '__TINY__') {
        // JavaScript reads 1e-20000 as 0; PostgreSQL refuses it: only the database can catch it.
        return {
          id,
          key: who,
          text: `{${envelope},"properties":{"x":1e-20000}}`,
          expect: 'dead-lettered',
          why: [...why, 'tiny number'],
        };
      }
      if (properties === '__DEEP__') {
        return {
          id,
          key: who,
          text: `{${envelope},"properties":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`,
          expect: 'dead-lettered',
          why: [...why, 'nested 100 deep'],
        };
      }
      const body = JSON.stringify(properties);
      if (body.includes('\\u0000')) why.push('custom property with NUL');
      return {
        id,
        key: who,
        text: `{${envelope},"properties":${body}}`,
        expect: why.length > 0 ? 'dead-lettered' : 'stored',
        why,
      };
    };
  }),
);

/** `count` events, the same for the same seed, with unique message ids. */
export function hostileEvents(count: number, seed: number): HostileEvent[] {
  const run = `${seed}-${++sequences.next}-${Date.now().toString(36)}`;
  return fc.sample(eventArbitrary, { numRuns: count, seed }).map((make, index) => make(`gen-${run}-${index}`));
}
