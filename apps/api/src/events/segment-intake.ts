import { randomUUID } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import type { SegmentCall } from '../common/intake-paths';
import { batchOf, isPlainObject, ReceivedEvents } from './event-intake';

/** Segment's own limits, so a sender tuned for Segment is never surprised (CONTRACT.md §5). */
export const SEGMENT_EVENT_BYTES = 32_768;
export const SEGMENT_BATCH_BYTES = 512_000;
/** Segment's count limit; the byte limit binds first for any real event. */
export const SEGMENT_MAX_BATCH = 2500;

/**
 * Segment's fields that say how to send, not what happened: the key must not reach the timeline,
 * and `sentAt` is the sender's clock, which Beckon does not use.
 */
const TRANSPORT_FIELDS = ['writeKey', 'sentAt'];

function normalise(
  event: Record<string, unknown>,
  type: string | undefined,
  receivedAt: string,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...event };
  for (const field of TRANSPORT_FIELDS) delete copy[field];
  if (type !== undefined) copy.type = type;
  // Segment fills these in for senders that omit them; the messageId then makes a retry a duplicate only
  // if the sender reuses it, which Segment's libraries do.
  copy.messageId ??= randomUUID();
  copy.timestamp ??= receivedAt;
  return copy;
}

/**
 * The events of one Segment call, ready for the shared validation: a batch's events keep their own
 * `type`, a single call's type is its path. Limits are Segment's: 32 KB an event (as sent), and the
 * 500 KB of a batch is checked on the raw body by the controller.
 */
export function segmentEvents(call: SegmentCall, body: unknown, receivedAt: Date): ReceivedEvents {
  const received = receivedAt.toISOString();
  const raw = call === 'batch' ? batchOf(body, SEGMENT_MAX_BATCH) : isPlainObject(body) ? [body] : null;
  if (raw === null) {
    throw new BadRequestException(
      call === 'batch' ? 'send {"batch": [ ... ]}' : `send one ${call} call as a JSON object`,
    );
  }
  const field = call === 'batch' ? (index: number) => `batch.${index}` : () => '(root)';
  const events = raw.map((event, index) => {
    if (!isPlainObject(event)) return event; // the shared validation names it
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > SEGMENT_EVENT_BYTES) {
      throw new BadRequestException(
        `${field(index)} is ${bytes} bytes, over the ${SEGMENT_EVENT_BYTES}-byte limit of one event; nothing was taken`,
      );
    }
    return normalise(event, call === 'batch' ? undefined : call, received);
  });
  return { events, field };
}
