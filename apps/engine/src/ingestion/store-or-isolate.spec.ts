import { storeOrIsolate } from './store-or-isolate';

class Poison extends Error {}
class Outage extends Error {}

/** A store that refuses any call holding a poison item, like a transaction that fails as a whole. */
function storeRefusing(poison: ReadonlySet<number>, outageAfterCalls = Infinity) {
  const stored: number[] = [];
  let calls = 0;
  const store = async (items: readonly number[]) => {
    calls++;
    if (calls > outageAfterCalls) throw new Outage('database down');
    if (items.some((item) => poison.has(item))) throw new Poison(`refused ${items.join(',')}`);
    stored.push(...items);
  };
  return { store, stored, calls: () => calls };
}

const isTransient = (error: unknown) => error instanceof Outage;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('storeOrIsolate', () => {
  it('stores a clean batch in one call', async () => {
    const { store, stored, calls } = storeRefusing(new Set());
    await expect(storeOrIsolate(range(100), store, isTransient)).resolves.toEqual([]);
    expect(stored).toEqual(range(100));
    expect(calls()).toBe(1);
  });

  it('isolates each poison item, stores every other one in order, with few calls', async () => {
    const { store, stored, calls } = storeRefusing(new Set([3, 517, 999]));
    const refused = await storeOrIsolate(range(1000), store, isTransient);
    expect(refused.map((r) => r.item)).toEqual([3, 517, 999]);
    expect(refused.every((r) => r.error instanceof Poison)).toBe(true);
    expect(stored).toEqual(range(1000).filter((i) => ![3, 517, 999].includes(i)));
    expect(calls()).toBeLessThanOrEqual(3 * 2 * Math.ceil(Math.log2(1000)) + 1);
  });

  it('refuses a batch that is all poison item by item', async () => {
    const { store, stored } = storeRefusing(new Set(range(5)));
    const refused = await storeOrIsolate(range(5), store, isTransient);
    expect(refused.map((r) => r.item)).toEqual(range(5));
    expect(stored).toEqual([]);
  });

  it('throws a transient fault instead of blaming the items', async () => {
    const { store } = storeRefusing(new Set([7]), 3);
    await expect(storeOrIsolate(range(16), store, isTransient)).rejects.toBeInstanceOf(Outage);
  });
});
