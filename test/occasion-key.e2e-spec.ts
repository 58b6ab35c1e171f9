import fc from 'fast-check';
import { Client } from 'pg';
import { DISPATCH_KEY, REORDER_OCCASION, RESTOCK_OCCASION, SLEEP_OCCASION } from '@beckon/rules';
import { TEMPLATE_DATABASE_URL } from './support/test-env';

// Scans build keys in SQL, events in TypeScript, from one declaration each: here PostgreSQL itself
// renders the SQL side for arbitrary ids and instants, and it must equal what TypeScript writes.

let db: Client;

beforeAll(async () => {
  db = new Client({ connectionString: TEMPLATE_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db.end();
});

// PostgreSQL text holds no NUL; every other character an id may carry is fair game.
const id = fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }).filter((s) => !s.includes('\u0000'));
const instant = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

async function sqlKey(expression: string, values: unknown[]): Promise<string> {
  const { rows } = await db.query<{ key: string }>(`SELECT ${expression} AS key`, values);
  return rows[0].key;
}

describe('keys rendered in SQL', () => {
  it('equal the TypeScript keys for any product, order and request ids', async () => {
    await fc.assert(
      fc.asyncProperty(id, id, async (productId, otherId) => {
        expect(
          await sqlKey(REORDER_OCCASION.sql({ productId: '$1::text', orderId: '$2::text' }), [productId, otherId]),
        ).toBe(REORDER_OCCASION.of({ productId, orderId: otherId }));
        expect(
          await sqlKey(RESTOCK_OCCASION.sql({ productId: '$1::text', requestId: '$2::text' }), [productId, otherId]),
        ).toBe(RESTOCK_OCCASION.of({ productId, requestId: otherId }));
      }),
      { numRuns: 200 },
    );
  });

  it('equal the TypeScript keys for any instant (the sleep episode)', async () => {
    await fc.assert(
      fc.asyncProperty(instant, async (lastOrderAt) => {
        expect(await sqlKey(SLEEP_OCCASION.sql({ lastOrderAt: '$1::timestamptz' }), [lastOrderAt.toISOString()])).toBe(
          SLEEP_OCCASION.of({ lastOrderAt }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('build the dispatch key the unique constraint collapses replays onto', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uuid(), id, id, fc.nat(9), async (ruleId, customerId, occasion, step) => {
        const expression = DISPATCH_KEY.sql({
          ruleId: '$1::uuid',
          customerId: '$2::text',
          occasion: '$3::text',
          step: '$4::int',
        });
        expect(await sqlKey(expression, [ruleId, customerId, occasion, step])).toBe(
          DISPATCH_KEY.of({ ruleId, customerId, occasion, step }),
        );
      }),
      { numRuns: 200 },
    );
  });
});
