/** What the engine hands to the delivery services over Kafka: everything needed to send, nothing to decide. */
interface DispatchEnvelope {
  dispatchId: string;
  ruleId: string;
  customerId: string;
  step: number;
  correlationId: string;
  createdAt: string;
}

export interface EmailDispatchMessage extends DispatchEnvelope {
  channel: 'email';
  to: string;
  subject: string;
  html?: string;
  text?: string;
  /** HTTPS one-click unsubscribe URL (RFC 8058); absent only for transactional messages. */
  unsubscribeUrl?: string;
}

export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushDispatchMessage extends DispatchEnvelope {
  channel: 'webpush';
  subscriptions: PushSubscriptionKeys[];
  notification: {
    title: string;
    body: string;
    url?: string;
    icon?: string;
    image?: string;
    actions?: Array<{ title: string; url: string }>;
    /** Replaces an earlier notification with the same tag on the device. */
    tag?: string;
  };
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Same topic for every step of one sequence, so a later reminder replaces the earlier one on the device. */
  topic: string;
}

export type DispatchMessage = EmailDispatchMessage | WebPushDispatchMessage;

export const DISPATCH_STATUSES = [
  'scheduled',
  'queued',
  'deferred',
  'sent',
  'failed',
  'suppressed',
  'holdout',
] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];
