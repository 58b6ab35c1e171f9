import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, Producer } from 'kafkajs';

/** Builders for storefront events in the contract's Segment shape. */
export type Who = { userId: string } | { anonymousId: string };

const envelope = (who: Who, at: Date) => ({ messageId: randomUUID(), timestamp: at.toISOString(), ...who });

export const identify = (who: Who, traits: Record<string, unknown>, at = new Date()) => ({
  type: 'identify',
  ...envelope(who, at),
  traits,
});

export const track = (who: Who, event: string, properties: Record<string, unknown>, at = new Date()) => ({
  type: 'track',
  ...envelope(who, at),
  event,
  properties,
});

/** Catalog events (Inventory Updated) belong to no customer; they are keyed by product_id. */
export const catalogTrack = (event: string, properties: Record<string, unknown>, at = new Date()) => ({
  type: 'track',
  messageId: randomUUID(),
  timestamp: at.toISOString(),
  event,
  properties,
});

export const product = (id: string, price: number, extra: Record<string, unknown> = {}) => ({
  product_id: id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  price,
  quantity: 1,
  url: `https://shop.example.com/p/${id}`,
  image_url: `https://shop.example.com/img/${id}.jpg`,
  ...extra,
});

export async function connectProducer(brokers: string[]): Promise<{ producer: Producer; kafka: Kafka }> {
  const kafka = new Kafka({ clientId: 'storefront-test', brokers, logLevel: 1 });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return { producer, kafka };
}

/** Produces events the way a storefront does: keyed by userId, else anonymousId. */
export async function produceEvents(
  producer: Producer,
  topic: string,
  events: Array<Record<string, unknown> | string>,
): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: events.map((event) => {
      if (typeof event === 'string') return { key: 'malformed', value: event };
      const key = (event.userId ??
        event.anonymousId ??
        (event.properties as { product_id?: string })?.product_id) as string;
      return { key, value: JSON.stringify(event) };
    }),
  });
}

export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
