import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { Message, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { CORRELATION_HEADER } from '@beckon/contracts';
import { KAFKA_PRODUCER } from '@beckon/kafka';
import { EngineMetrics } from '../observability/engine-metrics';
import { OutboxRepository } from './outbox.repository';

const BATCH = 500;

/**
 * Moves committed outbox rows to Kafka. A crash after the send and before the delete re-sends the
 * message; delivery services are idempotent per dispatch id, so that costs nothing visible.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly outbox: OutboxRepository,
    private readonly scheduler: SchedulerRegistry,
    private readonly metrics: EngineMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      'outbox-relay',
      setInterval(() => this.wake(), this.config.OUTBOX_POLL_MS),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', 'outbox-relay')) this.scheduler.deleteInterval('outbox-relay');
    await this.running;
  }

  /** Called by the poll and right after a commit that wrote outbox rows, so messages leave at once. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: Error) => this.logger.error(`outbox relay failed, will retry: ${error.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    let moved = BATCH;
    while (moved === BATCH && !this.stopped) {
      const published = await this.dataSource.transaction((tx) => this.relayBatch(tx));
      moved = 0;
      // Counted after the commit: a batch whose delete rolled back is sent (and counted) again.
      for (const [topic, count] of published) {
        this.metrics.countPublished(topic, count);
        moved += count;
      }
    }
  }

  /** Sends the oldest outbox rows; returns how many went to each topic. */
  private async relayBatch(tx: EntityManager): Promise<Map<string, number>> {
    const messages = await this.outbox.take(tx, BATCH);
    if (messages.length === 0) return new Map();
    const byTopic = new Map<string, Message[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      // The payload carries it too; the header lets tools follow a message without parsing it.
      const correlationId = (message.payload as { correlationId?: unknown }).correlationId;
      list.push({
        key: message.key,
        value: JSON.stringify(message.payload),
        headers: typeof correlationId === 'string' ? { [CORRELATION_HEADER]: correlationId } : undefined,
      });
      byTopic.set(message.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
    return new Map([...byTopic].map(([topic, list]) => [topic, list.length]));
  }
}
