import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { consumerGroup, TopicNames } from '@beckon/contracts';
import { BatchConsumer, consumerSettings, KAFKA, KAFKA_PRODUCER, PartitionStall, TOPICS } from '@beckon/kafka';
import { ConsumerLagGauge } from '@beckon/observability';
import { DeliveryBatch, DeliveryChannel } from './delivery-batch';
import { DeliveryChannelName, DeliveryLedger } from './delivery-ledger';
import { DeliveryMetrics } from './delivery-metrics';

/** The channel a delivery application serves; provided by the application (see DeliveryModule.forChannel). */
export const DELIVERY_CHANNEL = Symbol('DELIVERY_CHANNEL');

const ROUTES: Record<DeliveryChannelName, { topic: keyof TopicNames; deadLetter: keyof TopicNames }> = {
  email: { topic: 'emailDispatch', deadLetter: 'emailDeadLetter' },
  webpush: { topic: 'webPushDispatch', deadLetter: 'webPushDeadLetter' },
};

/** Consumes the channel's dispatch topic in batches through the delivery ledger. */
@Injectable()
export class DeliveryConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(DELIVERY_CHANNEL) channel: DeliveryChannel,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_PRODUCER) producer: Producer,
    @Inject(TOPICS) topics: TopicNames,
    @Inject(BECKON_CONFIG) config: BeckonConfig,
    dataSource: DataSource,
    registry: Registry,
  ) {
    const logger = new Logger(`DeliveryConsumer:${channel.name}`);
    const route = ROUTES[channel.name];
    const batch = new DeliveryBatch(
      channel,
      new DeliveryLedger(dataSource, channel.name),
      producer,
      topics[route.deadLetter],
      new DeliveryMetrics(registry, channel.name),
    );
    this.consumer = new BatchConsumer(kafka, {
      groupId: consumerGroup(config.KAFKA_INTERNAL_PREFIX, channel.name),
      topic: topics[route.topic],
      observer: new ConsumerLagGauge(registry),
      // Sends can outlast the session timeout (retries, Retry-After): BatchConsumer heartbeats meanwhile.
      settings: consumerSettings(config),
      handle: async (messages, partition) => {
        const report = await batch.handle(messages);
        logger.debug(`partition ${partition}: ${messages.length} message(s) ${JSON.stringify(report)}`);
      },
    });
  }

  /** True once the consumer has joined its group. */
  get isReady(): boolean {
    return this.consumer.isReady;
  }

  get groupId(): string {
    return this.consumer.groupId;
  }

  stalledPartitions(): PartitionStall[] {
    return this.consumer.stalledPartitions();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  /** Before the producer, the pool and the transports close: the batch in hand finishes first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
