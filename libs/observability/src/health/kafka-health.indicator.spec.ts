import { Kafka } from 'kafkajs';
import { KafkaHealthIndicator } from './kafka-health.indicator';

function fakeKafka(describeCluster: () => Promise<unknown>) {
  const admins: Array<{ connect: jest.Mock; disconnect: jest.Mock; describeCluster: jest.Mock }> = [];
  const kafka = {
    admin: () => {
      const admin = {
        connect: jest.fn(async () => undefined),
        disconnect: jest.fn(async () => undefined),
        describeCluster: jest.fn(describeCluster),
      };
      admins.push(admin);
      return admin;
    },
  };
  return { kafka: kafka as unknown as Kafka, admins };
}

describe('KafkaHealthIndicator', () => {
  it('reuses one connected admin across probes', async () => {
    const { kafka, admins } = fakeKafka(async () => ({ brokers: [] }));
    const indicator = new KafkaHealthIndicator(kafka);
    expect(await indicator.isUp()).toBe(true);
    expect(await indicator.isUp()).toBe(true);
    expect(admins).toHaveLength(1);
    expect(admins[0].describeCluster).toHaveBeenCalledTimes(2);
    await indicator.onApplicationShutdown();
    expect(admins[0].disconnect).toHaveBeenCalled();
  });

  it('reports down on an error and reconnects on the next probe', async () => {
    let healthy = false;
    const { kafka, admins } = fakeKafka(async () => {
      if (!healthy) throw new Error('broker gone');
      return {};
    });
    const indicator = new KafkaHealthIndicator(kafka);
    expect(await indicator.isUp()).toBe(false);
    expect(admins[0].disconnect).toHaveBeenCalled();
    healthy = true;
    expect(await indicator.isUp()).toBe(true);
    expect(admins).toHaveLength(2);
  });

  it('reports down when the broker does not answer in time, and shares a running probe', async () => {
    const { kafka, admins } = fakeKafka(() => new Promise(() => undefined));
    const indicator = new KafkaHealthIndicator(kafka);
    indicator.timeoutMs = 50;
    const [first, second] = await Promise.all([indicator.isUp(), indicator.isUp()]);
    expect([first, second]).toEqual([false, false]);
    expect(admins[0].describeCluster).toHaveBeenCalledTimes(1);
  });
});
