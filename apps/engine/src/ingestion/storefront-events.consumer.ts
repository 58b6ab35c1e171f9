import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { consumerGroup, CORRELATION_HEADER, TopicNames } from '@beckon/contracts';
import { parseStorefrontEvent } from '@beckon/events';
import { BatchConsumer, consumerSettings, KAFKA, KAFKA_PRODUCER, PartitionStall, TOPICS } from '@beckon/kafka';
import { describeDatabaseError, isTransientDatabaseFault } from '@beckon/persistence';
import { CareWindow } from '../care/care-window';
import { eventLabel } from '../observability/event-label';
import { EngineMetrics } from '../observability/engine-metrics';
import { IncomingEvent, ProfileProjector } from '../profiles/profile-projector';
import { TriggerFactsHandler } from '../triggers/trigger-facts.handler';
import { DeadLetter, deadLetterRecord, inRequests } from './dead-letter-records';
import { storeOrIsolate } from './store-or-isolate';

/** A producer's correlation id is kept only if it is a short token; it ends up in log lines and the dispatch log. */
const CORRELATION_ID = /^[\w.:@/+=-]{1,128}$/;

function correlationIdOf(message: KafkaMessage, messageId: string): string {
  const header = message.headers?.[CORRELATION_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  const text = value === undefined ? undefined : value.toString();
  return text !== undefined && CORRELATION_ID.test(text) ? text : messageId;
}

/** A message the parser accepted, with the event to store. */
interface Accepted {
  message: KafkaMessage;
  incoming: IncomingEvent;
}

/**
 * Consumes storefront events a partition batch at a time: validates each, projects the valid ones and
 * lets triggers react in one transaction, parks the invalid ones (and any the database refuses) on the
 * dead-letter topic, and only then lets the offset move. Only a fault of the database or the broker
 * fails the batch, to be retried.
 */
@Injectable()
export class StorefrontEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StorefrontEventsConsumer.name);
  private readonly consumer: BatchConsumer;
  private processed = 0;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(BECKON_CONFIG) config: BeckonConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projector: ProfileProjector,
    private readonly triggers: TriggerFactsHandler,
    private readonly metrics: EngineMetrics,
    private readonly care: CareWindow,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      groupId: consumerGroup(config.KAFKA_INTERNAL_PREFIX, 'engine'),
      topic: topics.events,
      handle: (messages, partition) => this.handleBatch(messages, partition),
      partitionsConsumedConcurrently: 4,
      observer: metrics.consumerLag,
      settings: consumerSettings(config),
    });
  }

  get isReady(): boolean {
    return this.consumer.isReady;
  }

  get groupId(): string {
    return this.consumer.groupId;
  }

  /** Partitions stuck for longer than CONSUMER_STALL_MS: /health answers 503 naming them. */
  stalledPartitions(): PartitionStall[] {
    return this.consumer.stalledPartitions();
  }

  get processedCount(): number {
    return this.processed;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  async handleBatch(messages: KafkaMessage[], partition: number): Promise<void> {
    const accepted: Accepted[] = [];
    const rejected: DeadLetter[] = [];
    const seen = new Set<string>();
    const tally = this.metrics.eventTally();
    for (const message of messages) {
      const result = parseStorefrontEvent(message.value);
      if (!result.ok) {
        rejected.push({ message, reason: result.reason });
        tally.add({ event: 'unknown', outcome: 'invalid' });
      } else if (!seen.has(result.event.messageId)) {
        seen.add(result.event.messageId);
        accepted.push({
          message,
          incoming: {
            event: result.event,
            raw: result.text,
            correlationId: correlationIdOf(message, result.event.messageId),
          },
        });
      } else {
        tally.add({ event: eventLabel(result.event), outcome: 'duplicate' });
      }
    }

    // What the parser let through should always be storable; if the database still refuses some of
    // it, those events are found and parked rather than holding up the partition forever.
    const fresh = new Set<string>();
    const refused = await storeOrIsolate(
      accepted,
      async (slice) => {
        for (const id of await this.store(slice.map((a) => a.incoming))) fresh.add(id);
      },
      isTransientDatabaseFault,
    );
    const refusedMessages = new Set(refused.map(({ item }) => item.message));
    for (const { item, error } of refused) {
      rejected.push({ message: item.message, reason: `database refused: ${describeDatabaseError(error)}` });
    }
    for (const { message, incoming } of accepted) {
      const outcome = refusedMessages.has(message)
        ? 'invalid'
        : fresh.has(incoming.event.messageId)
          ? 'accepted'
          : 'duplicate';
      tally.add({ event: eventLabel(incoming.event), outcome });
    }
    if (rejected.length > 0) await this.deadLetter(rejected, partition);
    // Counted once the batch is through: a failed batch is consumed again and would count twice.
    this.metrics.countEvents(tally);
    this.processed += messages.length;
  }

  /**
   * Projects events, lets triggers react and the care window act on care signals, in one
   * transaction; resolves with the ids that were new.
   */
  private async store(incoming: IncomingEvent[]): Promise<ReadonlySet<string>> {
    return this.dataSource.transaction(async (tx) => {
      const facts = await this.projector.project(tx, incoming);
      await this.triggers.handle(tx, facts);
      await this.care.handle(tx, facts);
      return facts.fresh;
    });
  }

  private async deadLetter(rejected: DeadLetter[], partition: number): Promise<void> {
    for (const { message, reason } of rejected) {
      this.logger.warn(`dead-lettered offset ${message.offset}: ${reason.slice(0, 300)}`);
    }
    const records = rejected.map((letter) =>
      deadLetterRecord(letter, `${this.topics.events}/${partition}/${letter.message.offset}`),
    );
    for (const request of inRequests(records)) {
      await this.producer.send({ topic: this.topics.eventsDeadLetter, acks: -1, messages: request });
    }
  }
}
