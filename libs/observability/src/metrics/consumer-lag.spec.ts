import { Registry } from 'prom-client';
import { ConsumerLagGauge, lagAfter } from './consumer-lag';

describe('lagAfter', () => {
  it('counts the messages after the last processed offset', () => {
    expect(lagAfter('100', '99')).toBe(0);
    expect(lagAfter('100', '89')).toBe(10);
    expect(lagAfter('9007199254741000', '9007199254740000')).toBe(999);
  });

  it('never goes below zero when the watermark is stale', () => {
    expect(lagAfter('10', '12')).toBe(0);
  });
});

describe('ConsumerLagGauge', () => {
  it('reports each partition as of its last batch and forgets them on a rebalance', async () => {
    const registry = new Registry();
    const gauge = new ConsumerLagGauge(registry);
    gauge.batchDone({ topic: 'events', partition: 0, highWatermark: '50', lastOffset: '39' });
    gauge.batchDone({ topic: 'events', partition: 1, highWatermark: '7', lastOffset: '6' });
    gauge.batchDone({ topic: 'events', partition: 0, highWatermark: '52', lastOffset: '49' });
    const text = await registry.metrics();
    expect(text).toContain('beckon_kafka_consumer_lag{topic="events",partition="0"} 2');
    expect(text).toContain('beckon_kafka_consumer_lag{topic="events",partition="1"} 0');
    gauge.joined();
    expect(await registry.metrics()).not.toContain('partition="0"');
  });
});
