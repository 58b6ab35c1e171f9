export { BatchConsumer } from './batch-consumer';
export type { BatchConsumerOptions, BatchProgress, ConsumerObserver } from './batch-consumer';
export { createKafka, createProducer, ensureTopics } from './kafka-client';
export { KAFKA, KAFKA_PRODUCER, KafkaModule, TOPICS } from './kafka.module';
