export interface TopicNames {
  events: string;
  eventsDeadLetter: string;
  emailDispatch: string;
  webPushDispatch: string;
  emailDeadLetter: string;
  webPushDeadLetter: string;
  /** Opens and clicks the API heard, on their way to the engine that writes them (CONTRACT §6). */
  engagement: string;
}

export function topicNames(eventsTopic: string, internalPrefix: string): TopicNames {
  return {
    events: eventsTopic,
    eventsDeadLetter: `${eventsTopic}.dlq`,
    emailDispatch: `${internalPrefix}.dispatch.email`,
    webPushDispatch: `${internalPrefix}.dispatch.webpush`,
    emailDeadLetter: `${internalPrefix}.dispatch.email.dlq`,
    webPushDeadLetter: `${internalPrefix}.dispatch.webpush.dlq`,
    engagement: `${internalPrefix}.engagement`,
  };
}

export function consumerGroup(internalPrefix: string, service: 'engine' | 'email' | 'webpush'): string {
  return `${internalPrefix}.${service}`;
}

/**
 * Kafka header (and HTTP header, as X-Correlation-Id) naming what a message descends from: the
 * storefront event or API request that started a sequence. It travels event → dispatch → delivery.
 */
export const CORRELATION_HEADER = 'x-correlation-id';
