import { Kafka } from 'kafkajs';
import { BatchConsumer } from './batch-consumer';
import { DEFAULT_CONSUMER_SETTINGS } from './consumer-settings';

/** Just enough of a kafkajs consumer to emit its lifecycle events: this is about BatchConsumer's reaction. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'join', CRASH: 'crash' };
  readonly listeners = new Map<string, (event: { payload: unknown }) => void>();
  disconnected = false;
  on(name: string, listener: (event: { payload: unknown }) => void) {
    this.listeners.set(name, listener);
  }
  emit(name: string, payload: unknown) {
    this.listeners.get(name)?.({ payload });
  }
  connect = async () => undefined;
  subscribe = async () => undefined;
  run = async () => undefined;
  disconnect = async () => {
    this.disconnected = true;
  };
}

function fakeKafka() {
  const made: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new FakeConsumer();
      made.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

const settings = { ...DEFAULT_CONSUMER_SETTINGS, retryInitialMs: 5, retryMaxMs: 10 };
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('BatchConsumer after a crash kafkajs will not restart', () => {
  it('is not ready meanwhile, then runs a new consumer that joins again', async () => {
    const { kafka, made } = fakeKafka();
    const consumer = new BatchConsumer(kafka, { groupId: 'g', topic: 't', handle: async () => undefined, settings });
    await consumer.start();
    made[0].emit('join', { memberAssignment: { t: [0, 1] } });
    expect(consumer.isReady).toBe(true);

    made[0].emit('crash', { error: new Error('Failed to find group coordinator'), restart: false });
    expect(consumer.isReady).toBe(false);
    await until(() => made.length === 2);
    expect(made[0].disconnected).toBe(true);
    made[1].emit('join', { memberAssignment: { t: [0, 1] } });
    expect(consumer.isReady).toBe(true);
    await consumer.stop();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, and starts nothing once stopped', async () => {
    const { kafka, made } = fakeKafka();
    const consumer = new BatchConsumer(kafka, { groupId: 'g', topic: 't', handle: async () => undefined, settings });
    await consumer.start();
    made[0].emit('crash', { error: new Error('retriable'), restart: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(made).toHaveLength(1);

    made[0].emit('crash', { error: new Error('not retriable'), restart: false });
    await consumer.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(made).toHaveLength(1);
  });
});
