export { BatchConsumer } from './batch-consumer';
export type { BatchConsumerOptions, BatchProgress, ConsumerObserver } from './batch-consumer';
export { consumerSettings, DEFAULT_CONSUMER_SETTINGS } from './consumer-settings';
export type { ConsumerSettings } from './consumer-settings';
export { createKafka, createProducer, ensureTopics } from './kafka-client';
export { isNormalWeather, kafkaLogLevel } from './kafka-log-level';
export { KAFKA, KAFKA_PRODUCER, KafkaModule, TOPICS } from './kafka.module';
export type { PartitionStall } from './partition-stalls';
