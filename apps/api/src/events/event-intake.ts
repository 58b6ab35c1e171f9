import { ForbiddenException } from '@nestjs/common';
import { CATALOG_EVENTS, markUntrusted, parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import type { FieldError } from '@beckon/rules';
import { ValidationFailedException } from '../errors/validation-failed.exception';
import { refusedToSourceKey } from './source-policy';

export const MAX_BATCH = 500;

export interface OutgoingEvent {
  key: string;
  value: string;
}

/** Events as a request carries them, with the field name each error should point at. */
export interface ReceivedEvents {
  events: unknown[];
  field: (index: number) => string;
}

export interface IntakeOptions {
  /** Sent with a source (write) key: marked untrusted, and only the events a browser may send. */
  untrusted: boolean;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
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

export function batchOf(body: unknown, maxBatch: number): unknown[] | null {
  if (!isPlainObject(body) || !('batch' in body)) return null;
  const { batch } = body;
  if (!Array.isArray(batch) || batch.length === 0 || batch.length > maxBatch) {
    throw new ValidationFailedException([{ field: 'batch', message: `must be an array of 1 to ${maxBatch} events` }]);
  }
  return batch;
}

function eventsOf(body: unknown): ReceivedEvents {
  const batch = batchOf(body, MAX_BATCH);
  if (batch !== null) return { events: batch, field: (index) => `batch.${index}` };
  if (isPlainObject(body)) return { events: [body], field: () => '(root)' };
  throw new ValidationFailedException([{ field: '(root)', message: 'send one event object or {"batch": [ ... ]}' }]);
}

/**
 * Validates every event exactly as the engine's consumer will (same parser, same 1 MB limit), so
 * HTTP callers learn at once what Kafka producers only learn from the dead-letter topic. All or
 * nothing: one invalid event refuses the whole request, and a corrected retry cannot duplicate.
 * Shared by POST /v1/events and the Segment-compatible paths.
 */
export function prepareReceivedEvents(
  { events, field }: ReceivedEvents,
  { untrusted }: IntakeOptions,
): OutgoingEvent[] {
  const errors: FieldError[] = [];
  const refused: string[] = [];
  const outgoing: OutgoingEvent[] = [];
  events.forEach((event, index) => {
    if (!isPlainObject(event)) {
      errors.push({ field: field(index), message: 'must be a JSON object' });
      return;
    }
    const parsed = parseStorefrontEvent(JSON.stringify(untrusted ? markUntrusted(event) : event));
    if (!parsed.ok) {
      errors.push({ field: field(index), message: parsed.reason });
      return;
    }
    const refusedName = untrusted ? refusedToSourceKey(parsed.event) : null;
    if (refusedName !== null) refused.push(`${refusedName} (${field(index)})`);
    // The parser's text: a lone surrogate already repaired, so the topic carries what will be stored.
    outgoing.push({ key: partitionKey(parsed.event), value: parsed.text });
  });
  if (refused.length > 0) {
    throw new ForbiddenException(
      `a source (write) key may not send ${refused.join(', ')}: send it with a marketer key or over Kafka; nothing was taken`,
    );
  }
  if (errors.length > 0) throw new ValidationFailedException(errors);
  return outgoing;
}

/** POST /v1/events: one event or {"batch": [...]}. */
export function prepareEvents(body: unknown, options: IntakeOptions = { untrusted: false }): OutgoingEvent[] {
  return prepareReceivedEvents(eventsOf(body), options);
}
