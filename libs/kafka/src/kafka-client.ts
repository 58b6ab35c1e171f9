import { Logger } from '@nestjs/common';
import { Admin, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import { kafkaLogLevel } from './kafka-log-level';

/** Routes kafkajs logs through Nest's logger so every service logs in one format; retried broker weather as warnings. */
function kafkaLogCreator() {
  const logger = new Logger('kafkajs');
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      logger[kafkaLogLevel(level, log)](`${message} ${JSON.stringify(extra)}`);
    };
}

export function createKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    logCreator: kafkaLogCreator(),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

export function createProducer(kafka: Kafka): Producer {
  // Idempotent producer: a retried send after a lost acknowledgement is not written twice.
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}

export async function ensureTopics(admin: Admin, topics: string[], numPartitions = 4): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
    });
  } catch (error) {
    // Another instance starting at the same moment may have created them first; that is fine.
    const now = new Set(await admin.listTopics());
    if (missing.some((topic) => !now.has(topic))) throw error;
  }
}
