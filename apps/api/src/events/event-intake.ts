import { CATALOG_EVENTS, parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import type { FieldError } from '@beckon/rules';
import { ValidationFailedException } from '../errors/validation-failed.exception';

export const MAX_BATCH = 500;

export interface OutgoingEvent {
  key: string;
  value: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The partition key the contract (§1) promises: a customer's events share one partition so the
 * engine sees them in order; catalog events have no customer and go by product.
 */
export function partitionKey(event: StorefrontEvent): string {
  if (event.type === 'track' && CATALOG_EVENTS.has(event.event)) {
    const { product_id, sku } = event.properties as { product_id?: string; sku?: string };
    return product_id ?? sku ?? event.messageId;
  }
  return event.userId ?? event.anonymousId ?? event.messageId;
}

function eventsOf(body: unknown): { events: unknown[]; field: (index: number) => string } {
  if (isPlainObject(body) && 'batch' in body) {
    const { batch } = body;
    if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_BATCH) {
      throw new ValidationFailedException([
        { field: 'batch', message: `must be an array of 1 to ${MAX_BATCH} events` },
      ]);
    }
    return { events: batch, field: (index) => `batch.${index}` };
  }
  if (isPlainObject(body)) return { events: [body], field: () => '(root)' };
  throw new ValidationFailedException([{ field: '(root)', message: 'send one event object or {"batch": [ ... ]}' }]);
}

/**
 * Validates every event exactly as the engine's consumer will (same parser, same 1 MB limit), so
 * HTTP callers learn at once what Kafka producers only learn from the dead-letter topic. All or
 * nothing: one invalid event refuses the whole request, and a corrected retry cannot duplicate.
 */
export function prepareEvents(body: unknown): OutgoingEvent[] {
  const { events, field } = eventsOf(body);
  const errors: FieldError[] = [];
  const outgoing: OutgoingEvent[] = [];
  events.forEach((event, index) => {
    const value = JSON.stringify(event);
    const parsed = isPlainObject(event)
      ? parseStorefrontEvent(value)
      : { ok: false as const, reason: 'must be a JSON object' };
    // The parser's text: a lone surrogate already repaired, so the topic carries what will be stored.
    if (parsed.ok) outgoing.push({ key: partitionKey(parsed.event), value: parsed.text });
    else errors.push({ field: field(index), message: parsed.reason });
  });
  if (errors.length > 0) throw new ValidationFailedException(errors);
  return outgoing;
}
