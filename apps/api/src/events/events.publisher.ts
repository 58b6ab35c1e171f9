import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { CompressionTypes, Producer } from 'kafkajs';
import { CORRELATION_HEADER, type TopicNames } from '@beckon/contracts';
import { KAFKA_PRODUCER, TOPICS } from '@beckon/kafka';
import type { OutgoingEvent } from './event-intake';

@Injectable()
export class EventsPublisher {
  private readonly logger = new Logger(EventsPublisher.name);

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  /**
   * One send for the whole request. Gzip keeps a batch of JSON events well under the broker's
   * per-batch size limit. If Kafka fails part-way the caller is told to retry; events already
   * written are then dropped as duplicates by their messageId. The request's correlation id rides
   * along as a header, so the engine's dispatches name the request that started them.
   */
  async publish(events: OutgoingEvent[], correlationId?: string): Promise<void> {
    const headers = correlationId === undefined ? undefined : { [CORRELATION_HEADER]: correlationId };
    try {
      await this.producer.send({
        topic: this.topics.events,
        compression: CompressionTypes.GZIP,
        messages: events.map(({ key, value }) => ({ key, value, headers })),
      });
    } catch (error) {
      this.logger.warn(`could not produce ${events.length} event(s): ${(error as Error).message}`);
      throw new ServiceUnavailableException('the events could not be handed to Kafka; retry the request');
    }
  }
}
