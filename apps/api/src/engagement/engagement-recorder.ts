import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { CompressionTypes, Producer } from 'kafkajs';
import { EngagementRecord, type TopicNames } from '@beckon/contracts';
import { KAFKA_PRODUCER, TOPICS } from '@beckon/kafka';

/** How long a record waits for others to share its produce request: short next to a human click. */
const LINGER_MS = 20;
/** Records per produce request. */
const BATCH = 2_000;
/** Beyond this many waiting records (Kafka down a while) a request waits for them to be handed over: slower, never lost. */
const MAX_WAITING = 50_000;
const RETRY_MS = 500;

/**
 * Hands opens and clicks to Kafka off the request's critical path: the redirect answers at once and
 * the records go in batched produce requests a few milliseconds later. A failed produce keeps its
 * records and tries again; shutdown hands over what is waiting first. What Kafka holds reaches
 * PostgreSQL through the engine, as events do.
 */
@Injectable()
export class EngagementRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EngagementRecorder.name);
  private waiting: EngagementRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  /** Resolves at once, unless the backlog is full: then once the backlog was handed to Kafka. */
  async record(record: EngagementRecord): Promise<void> {
    this.waiting.push(record);
    if (this.waiting.length >= MAX_WAITING) return this.flush();
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), LINGER_MS);
  }

  get backlog(): number {
    return this.waiting.length;
  }

  /** Hands every waiting record to Kafka; one flush at a time, so records keep their order. */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= this.produceWaiting().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async produceWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.slice(0, BATCH);
      try {
        await this.producer.send({
          topic: this.topics.engagement,
          compression: CompressionTypes.GZIP,
          messages: batch.map((r) => ({ key: r.dispatchId, value: JSON.stringify(r) })),
        });
      } catch (error) {
        this.logger.warn(
          `could not produce ${batch.length} open/click record(s), retrying: ${(error as Error).message}`,
        );
        this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), RETRY_MS);
        throw error;
      }
      this.waiting = this.waiting.slice(batch.length);
    }
  }

  /** Before the shared producer disconnects (that is on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    for (let attempt = 0; attempt < 5 && this.waiting.length > 0; attempt++) {
      await this.flush().catch(() => new Promise((resolve) => setTimeout(resolve, RETRY_MS)));
    }
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.waiting.length > 0) this.logger.error(`${this.waiting.length} open/click record(s) not handed to Kafka`);
  }
}
