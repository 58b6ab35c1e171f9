import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka, KafkaJSError, KafkaMessage } from 'kafkajs';
import { ConsumerSettings, DEFAULT_CONSUMER_SETTINGS } from './consumer-settings';
import { PartitionStall, PartitionStalls } from './partition-stalls';

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
  settings?: ConsumerSettings;
}

/** Keeps the group membership alive while a batch is handled: a short session must not expire mid-batch. */
async function whileHeartbeating<T>(payload: EachBatchPayload, intervalMs: number, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    payload.heartbeat().catch(() => undefined); // a rebalance is reported by the next commit, not here
  }, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * A kafkajs consumer whose offsets move only after the handler resolved: if it throws, kafkajs
 * fetches the batch again after a backoff, for as long as it takes (handlers are idempotent). A
 * partition that makes no progress for `stallMs` is reported by `stalledPartitions()`.
 */
export class BatchConsumer {
  private readonly logger = new Logger(BatchConsumer.name);
  private readonly settings: ConsumerSettings;
  private readonly progress = new PartitionStalls();
  private consumer: Consumer | null = null;
  private ready = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.settings = options.settings ?? DEFAULT_CONSUMER_SETTINGS;
  }

  private restartTimer: NodeJS.Timeout | null = null;

  get isReady(): boolean {
    return this.ready;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Partitions with messages waiting that no batch has got past for longer than the stall threshold. */
  stalledPartitions(now = Date.now()): PartitionStall[] {
    return this.progress.stalled(now, this.settings.stallMs);
  }

  async start(): Promise<void> {
    const { settings } = this;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
      // kafkajs retries a failed batch with this backoff and, after `retries`, crashes the consumer, which
      // leaves the group (a rebalance for every member) and starts over. A transient fault is retried for
      // as long as it lasts instead, the wait capped so the batch goes through soon after the fault ends.
      retry: {
        initialRetryTime: settings.retryInitialMs,
        maxRetryTime: settings.retryMaxMs,
        multiplier: 2,
        retries: Number.MAX_SAFE_INTEGER,
        restartOnFailure: async () => true,
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.ready = true;
      this.progress.assigned(event.payload.memberAssignment);
      this.options.observer?.joined();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error(`consumer ${this.options.groupId} crashed (restart: ${restart}): ${String(error)}`);
      if (restart || this.consumer !== consumer) return;
      // kafkajs gives up for good on an error it deems non-retriable, such as "Failed to find group
      // coordinator" while a restarted broker is still loading: /health says so, and we start over.
      this.ready = false;
      this.restartLater(consumer);
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
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Replaces a consumer kafkajs abandoned with a new one, retrying with the batch backoff until it runs. */
  private restartLater(abandoned: Consumer, attempt = 1): void {
    const delay = Math.min(this.settings.retryMaxMs, this.settings.retryInitialMs * 2 ** (attempt - 1));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.consumer !== abandoned) return; // stopped, or already replaced
      void abandoned
        .disconnect()
        .catch(() => undefined)
        .then(() => (this.consumer === abandoned ? this.start() : undefined))
        .catch((error: unknown) => {
          this.logger.warn(`consumer ${this.options.groupId} restart failed (attempt ${attempt}): ${String(error)}`);
          if (this.consumer !== null) this.restartLater(this.consumer, attempt + 1);
        });
    }, delay);
  }

  async stop(): Promise<void> {
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.ready = false;
    // Leaves the group, so the partitions go to the other members at once rather than after the session timeout.
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    this.progress.batchStarted(batch.topic, batch.partition, Date.now());
    try {
      await whileHeartbeating(payload, this.settings.heartbeatIntervalMs, () =>
        this.options.handle(batch.messages, batch.partition, payload),
      );
    } catch (error) {
      const failures = this.progress.batchFailed(batch.topic, batch.partition, error);
      // The stack once per stall; after that one line per attempt, every few seconds while the fault lasts.
      const detail =
        error instanceof Error ? (failures === 1 ? (error.stack ?? error.message) : error.message) : String(error);
      this.logger.error(
        `${batch.topic}/${batch.partition} batch from offset ${batch.firstOffset()} failed (attempt ${failures}), retried after a backoff: ${detail}`,
      );
      // Retriable whatever it was (kafkajs gives up on a TypeError): the batch is fetched again, the stall reported.
      throw new KafkaJSError(error instanceof Error ? error : new Error(String(error)), { retriable: true });
    }
    payload.resolveOffset(batch.lastOffset());
    this.progress.batchDone(batch.topic, batch.partition, Date.now());
    this.options.observer?.batchDone({
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      lastOffset: batch.lastOffset(),
    });
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
  }
}
