import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { KAFKA_PRODUCER } from '@beckon/kafka';
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
      moved = await this.dataSource.transaction(async (tx) => {
        const messages = await this.outbox.take(tx, BATCH);
        if (messages.length === 0) return 0;
        const byTopic = new Map<string, Array<{ key: string; value: string }>>();
        for (const message of messages) {
          const list = byTopic.get(message.topic) ?? [];
          list.push({
            key: message.key,
            value: JSON.stringify(message.payload),
          });
          byTopic.set(message.topic, list);
        }
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list,
          })),
        });
        return messages.length;
      });
    }
  }
}
