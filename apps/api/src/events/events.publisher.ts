import { Inject, Injectable, Logger, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { CompressionTypes, Producer } from 'kafkajs';
import { CORRELATION_HEADER, type TopicNames } from '@beckon/contracts';
import { KAFKA_PRODUCER, TOPICS } from '@beckon/kafka';
import type { OutgoingEvent } from './event-intake';
import { firstEventTooLargeForBroker, isMessageTooLarge, produceChunks } from './produce-chunks';

@Injectable()
export class EventsPublisher {
  private readonly logger = new Logger(EventsPublisher.name);

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  /**
   * Sends of at most MAX_PRODUCE_BYTES each, in order, gzip-compressed. If Kafka fails part-way the
   * caller is told to retry; events already written are then dropped as duplicates by their
   * messageId. An event the broker refuses as too large even alone is the client's 413 (a retry
   * cannot succeed), anything else a 503. The request's correlation id rides along as a header, so
   * the engine's dispatches name the request that started them.
   */
  async publish(events: OutgoingEvent[], correlationId?: string): Promise<void> {
    const tooLarge = firstEventTooLargeForBroker(events);
    if (tooLarge >= 0) {
      throw new PayloadTooLargeException(
        `event ${tooLarge} of the request is larger, even gzip-compressed, than the broker takes; nothing was produced`,
      );
    }
    const headers = correlationId === undefined ? undefined : { [CORRELATION_HEADER]: correlationId };
    for (const chunk of produceChunks(events)) {
      try {
        await this.producer.send({
          topic: this.topics.events,
          compression: CompressionTypes.GZIP,
          messages: chunk.map(({ key, value }) => ({ key, value, headers })),
        });
      } catch (error) {
        this.logger.warn(`could not produce ${chunk.length} event(s): ${(error as Error).message}`);
        if (isMessageTooLarge(error)) {
          throw new PayloadTooLargeException(
            'an event is larger, once compressed, than the broker takes; send it smaller',
          );
        }
        throw new ServiceUnavailableException('the events could not be handed to Kafka; retry the request');
      }
    }
  }
}
