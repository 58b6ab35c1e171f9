/** An item the store refused on its own, with the store's error. */
export interface Refused<T> {
  item: T;
  error: unknown;
}

/**
 * Stores `items` in one go; if the store refuses them for their content, bisects to find the items
 * it refuses and stores the rest, in order. A fault of the store itself (`isTransient`) is thrown
 * at once, so the caller retries the whole batch later: the store must be idempotent, since the
 * halves stored before the fault are stored again then.
 *
 * A batch with one poison item costs about 2·log2(n) store calls instead of one.
 */
export async function storeOrIsolate<T>(
  items: readonly T[],
  store: (items: readonly T[]) => Promise<void>,
  isTransient: (error: unknown) => boolean,
): Promise<Array<Refused<T>>> {
  if (items.length === 0) return [];
  try {
    await store(items);
    return [];
  } catch (error) {
    if (isTransient(error)) throw error;
    if (items.length === 1) return [{ item: items[0], error }];
  }
  const middle = Math.ceil(items.length / 2);
  const left = await storeOrIsolate(items.slice(0, middle), store, isTransient);
  const right = await storeOrIsolate(items.slice(middle), store, isTransient);
  return [...left, ...right];
}
