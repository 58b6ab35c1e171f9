import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

/** Where a consumer stands on one partition after a batch, as kafkajs's eachBatch gives it for free. */
export interface BatchProgress {
  topic: string;
  partition: number;
  /** The partition's high watermark: the offset the next produced message will get. */
  highWatermark: string;
  /** Offset of the batch's last message, now processed. */
  lastOffset: string;
}

/** Hears how the consumer is doing (metrics), without a request of its own to the broker. */
export interface ConsumerObserver {
  /** The group rebalanced: the partitions this consumer owns may have changed. */
  joined(): void;
  /** A batch was handled and its offset resolved. */
  batchDone(progress: BatchProgress): void;
}

export interface BatchConsumerOptions {
  groupId: string;
  topic: string;
  /** Handles every message of one partition's batch; resolves only once its effects are durable. */
  handle: (messages: KafkaMessage[], partition: number, payload: EachBatchPayload) => Promise<void>;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  observer?: ConsumerObserver;
}

/**
 * A kafkajs consumer whose offsets move only after the handler resolved: if it throws, kafkajs
 * restarts from the last committed offset and the batch is processed again (handlers are idempotent).
 */
export class BatchConsumer {
  private readonly logger = new Logger(BatchConsumer.name);
  private consumer: Consumer | null = null;
  private ready = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.ready = true;
      this.options.observer?.joined();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.logger.error(`consumer ${this.options.groupId} crashed: ${String(event.payload.error)}`);
    });
    await consumer.connect();
    await consumer.subscribe({
      topic: this.options.topic,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 2,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.messages.length === 0) return;
        await this.options.handle(batch.messages, batch.partition, payload);
        payload.resolveOffset(batch.lastOffset());
        this.options.observer?.batchDone({
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          lastOffset: batch.lastOffset(),
        });
        await payload.commitOffsetsIfNecessary();
        await payload.heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
