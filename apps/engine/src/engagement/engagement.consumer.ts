import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { consumerGroup, EngagementRecord, parseEngagementRecord, TopicNames } from '@beckon/contracts';
import { BatchConsumer, consumerSettings, KAFKA, TOPICS } from '@beckon/kafka';
import { EngagementRepository } from './engagement.repository';

/** Dispatch ids are UUIDs; anything else would fail the cast and the whole batch with it. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Writes the opens and clicks the API produced, a partition batch per transaction. The API is the
 * topic's only producer and signs what it records, so a record that does not parse is logged and
 * skipped rather than parked: there is nobody to hand it back to.
 */
@Injectable()
export class EngagementConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EngagementConsumer.name);
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) topics: TopicNames,
    @Inject(BECKON_CONFIG) config: BeckonConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EngagementRepository,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      groupId: `${consumerGroup(config.KAFKA_INTERNAL_PREFIX, 'engine')}.engagement`,
      topic: topics.engagement,
      handle: (messages, partition) => this.handleBatch(messages, partition),
      partitionsConsumedConcurrently: 2,
      settings: consumerSettings(config),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  async handleBatch(messages: KafkaMessage[], partition: number): Promise<void> {
    if (messages.length === 0) return;
    await this.dataSource.transaction(async (tx) => {
      const written = await this.repository.writtenUpTo(tx, partition);
      const records: EngagementRecord[] = [];
      for (const message of messages) {
        if (written !== null && BigInt(message.offset) <= written) continue;
        const record = parseEngagementRecord(message.value);
        if (record === null || !UUID.test(record.dispatchId)) {
          this.logger.warn(
            `skipped an engagement record that is not one (partition ${partition}, offset ${message.offset})`,
          );
          continue;
        }
        records.push(record);
      }
      await this.repository.write(tx, { partition, lastOffset: messages[messages.length - 1].offset, records });
    });
  }
}
