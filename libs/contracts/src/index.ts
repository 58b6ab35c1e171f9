export { DISPATCH_STATUSES } from './dispatch-messages';
export type {
  DispatchMessage,
  DispatchStatus,
  EmailDispatchMessage,
  PushSubscriptionKeys,
  WebPushDispatchMessage,
} from './dispatch-messages';
export { consumerGroup, CORRELATION_HEADER, topicNames } from './topics';
export type { TopicNames } from './topics';
export { parseEngagementRecord } from './engagement';
export type { EngagementRecord } from './engagement';
