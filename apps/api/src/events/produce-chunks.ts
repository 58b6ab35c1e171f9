import { gzipSync } from 'node:zlib';

/**
 * The broker refuses a record batch over its `message.max.bytes` (1 MB by default), and gzip
 * cannot be counted on: random or already-compressed content does not shrink. A request of up to
 * 5 MB is therefore produced in several sends, each carrying at most this many bytes before
 * compression (Segment's own batch limit), so a batch of valid events never meets that limit.
 */
export const MAX_PRODUCE_BYTES = 500 * 1024;

export interface SizedMessage {
  key: string;
  value: string;
}

const sizeOf = (message: SizedMessage): number => Buffer.byteLength(message.key) + Buffer.byteLength(message.value);

/** Consecutive runs of messages, in order, each within the budget; a message over it goes alone. */
export function produceChunks<M extends SizedMessage>(messages: M[], budget = MAX_PRODUCE_BYTES): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && bytes + size > budget) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Under the broker's default 1,048,588-byte limit with room for the record batch's own framing,
 * key and headers.
 */
export const MAX_COMPRESSED_EVENT_BYTES = 1_000_000;

/**
 * The index of the first event the broker would refuse even alone (over the limit once gzipped),
 * or -1. Checked before anything is produced, so a request refused for it leaves nothing behind;
 * only events over the limit before compression are compressed to find out.
 */
export function firstEventTooLargeForBroker(messages: SizedMessage[], limit = MAX_COMPRESSED_EVENT_BYTES): number {
  return messages.findIndex(
    (message) => sizeOf(message) > limit && gzipSync(message.value).length + Buffer.byteLength(message.key) > limit,
  );
}

/** kafkajs nests the broker's answer (retries, per-broker aggregates); any MESSAGE_TOO_LARGE in it counts. */
export function isMessageTooLarge(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const candidate = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (candidate.type === 'MESSAGE_TOO_LARGE') return true;
  const nested = [
    candidate.cause,
    candidate.originalError,
    ...(Array.isArray(candidate.errors) ? candidate.errors : []),
  ];
  return nested.some((inner) => isMessageTooLarge(inner, depth + 1));
}
