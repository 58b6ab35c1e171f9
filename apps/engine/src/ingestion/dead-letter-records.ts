import { IHeaders, KafkaMessage, Message } from 'kafkajs';

/**
 * The broker takes at most message.max.bytes (1 MB by default) in one partition's record batch, and
 * a value that came in compressed may be larger than that once read. Every dead letter is bounded
 * so that it always fits, and records are sent in requests well under the limit.
 */
export const DEAD_LETTER_LIMITS = {
  /** A value over this is cut to it; the record says how long it was. */
  valueBytes: 256 * 1024,
  /** The original headers are kept while they stay under this, in their order. */
  headerBytes: 16 * 1024,
  keyBytes: 1024,
  reasonChars: 1000,
  /** One produce request's worth of records. */
  requestBytes: 512 * 1024,
};

export interface DeadLetter {
  message: KafkaMessage;
  reason: string;
}

const bytesOf = (value: Buffer | string | null | undefined): number =>
  value === null || value === undefined ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;

function headerBytes(name: string, value: IHeaders[string]): number {
  const values = Array.isArray(value) ? value : [value];
  return Buffer.byteLength(name) + values.reduce((sum: number, v) => sum + bytesOf(v as Buffer | string), 0);
}

function boundedHeaders(headers: IHeaders | undefined): { kept: IHeaders; dropped: number } {
  const kept: IHeaders = {};
  let size = 0;
  let dropped = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const bytes = headerBytes(name, value);
    if (size + bytes > DEAD_LETTER_LIMITS.headerBytes) {
      dropped++;
      continue;
    }
    size += bytes;
    kept[name] = value;
  }
  return { kept, dropped };
}

function cut(value: Buffer | null, limit: number): Buffer | null {
  return value !== null && value.length > limit ? value.subarray(0, limit) : value;
}

/** The dead-letter record of one refused message: its key, headers, reason, origin and (bounded) value. */
export function deadLetterRecord({ message, reason }: DeadLetter, source: string): Message {
  const { kept, dropped } = boundedHeaders(message.headers);
  const headers: IHeaders = {
    ...kept,
    'x-beckon-reason': reason.slice(0, DEAD_LETTER_LIMITS.reasonChars),
    'x-beckon-source': source,
  };
  const valueBytes = bytesOf(message.value);
  if (valueBytes > DEAD_LETTER_LIMITS.valueBytes) headers['x-beckon-truncated-from'] = String(valueBytes);
  if (dropped > 0) headers['x-beckon-headers-dropped'] = String(dropped);
  return {
    key: cut(message.key, DEAD_LETTER_LIMITS.keyBytes),
    value: cut(message.value, DEAD_LETTER_LIMITS.valueBytes),
    headers,
  };
}

function recordBytes(record: Message): number {
  const headers = Object.entries(record.headers ?? {}).reduce(
    (sum, [name, value]) => sum + (value === undefined ? 0 : headerBytes(name, value)),
    0,
  );
  // ~70 bytes of framing per record is generous for Kafka's record format v2.
  return bytesOf(record.key as Buffer | string | null) + bytesOf(record.value as Buffer | string | null) + headers + 70;
}

/** Splits records into produce requests of at most DEAD_LETTER_LIMITS.requestBytes each (a record alone always fits). */
export function inRequests(records: readonly Message[]): Message[][] {
  const requests: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const record of records) {
    const bytes = recordBytes(record);
    if (current.length > 0 && size + bytes > DEAD_LETTER_LIMITS.requestBytes) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
