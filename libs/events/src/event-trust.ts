/**
 * What a write key (role `source`, safe to put in a web page) sent is marked by the API in
 * `context.beckon.source`, and the engine lets such an event link profiles and fill an empty one,
 * never change a known customer's contact traits. The mark only ever restricts, so a sender that
 * sets it on its own (over Kafka or with a marketer key) gains nothing; the API overwrites it on
 * everything a source key sends.
 */
export const UNTRUSTED_SOURCE = 'untrusted';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function markUntrusted(event: Record<string, unknown>): Record<string, unknown> {
  const context = isPlainObject(event.context) ? event.context : {};
  return { ...event, context: { ...context, beckon: { source: UNTRUSTED_SOURCE } } };
}

export function isMarkedUntrusted(context: unknown): boolean {
  return isPlainObject(context) && isPlainObject(context.beckon) && context.beckon.source === UNTRUSTED_SOURCE;
}
