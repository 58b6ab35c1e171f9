import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka, Producer } from 'kafkajs';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { topicNames, TopicNames } from '@beckon/contracts';
import { createKafka, createProducer, ensureTopics } from './kafka-client';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const TOPICS = Symbol('TOPICS');

/** Connects the shared producer and makes sure Beckon's topics exist before anything consumes. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  async onModuleInit(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, Object.values(this.topics));
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA,
          inject: [BECKON_CONFIG],
          useFactory: (config: BeckonConfig) => createKafka(config.KAFKA_BROKERS, config.KAFKA_CLIENT_ID),
        },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => createProducer(kafka),
        },
        {
          provide: TOPICS,
          inject: [BECKON_CONFIG],
          useFactory: (config: BeckonConfig) => topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX),
        },
        KafkaLifecycle,
      ],
      exports: [KAFKA, KAFKA_PRODUCER, TOPICS],
    };
  }
}
