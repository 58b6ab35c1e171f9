import { Gauge, Registry } from 'prom-client';
import type { BatchProgress, ConsumerObserver } from '@beckon/kafka';

/** Messages still waiting on the partition once everything up to `lastOffset` is processed. */
export function lagAfter(highWatermark: string, lastOffset: string): number {
  const lag = BigInt(highWatermark) - BigInt(lastOffset) - 1n;
  return lag > 0n ? Number(lag) : 0;
}

/**
 * beckon_kafka_consumer_lag: updated from each batch's metadata, so it costs no request to the broker.
 * It is reset when the group rebalances, so a partition handed to another instance stops being reported here.
 */
export class ConsumerLagGauge implements ConsumerObserver {
  private readonly gauge: Gauge<'topic' | 'partition'>;

  constructor(registry: Registry) {
    this.gauge = new Gauge({
      name: 'beckon_kafka_consumer_lag',
      help: 'Messages on the partition not yet processed by this consumer, as of its last batch',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    });
  }

  batchDone(progress: BatchProgress): void {
    this.gauge.set(
      { topic: progress.topic, partition: String(progress.partition) },
      lagAfter(progress.highWatermark, progress.lastOffset),
    );
  }

  joined(): void {
    this.gauge.reset();
  }
}
