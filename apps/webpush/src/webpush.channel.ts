import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { PushSubscriptionKeys, WebPushDispatchMessage } from '@beckon/contracts';
import { DEFAULT_RETRY_POLICY, DeliveryChannel, DeliveryOutcome, RetryPolicy, withRetries } from '@beckon/delivery';
import { buildPushPayload, PayloadTooLargeError, pushTopic } from './push-payload';
import { classifyPushAttempt, PushAttempt, PushVerdict, SubscriptionResult, summarizePush } from './push-response';
import { PushRequest, PushSender } from './push-sender';
import { parseWebPushDispatch } from './webpush-dispatch.schema';

export interface WebPushDeliveryOptions {
  /** In-process retries of 429/5xx/network failures; default 3 retries after 0.5 s, 1 s, 2 s, Retry-After up to 30 s. */
  retry?: Partial<RetryPolicy>;
  /** Dispatches in flight; default PUSH_CONCURRENCY. */
  concurrency?: number;
}

export const WEBPUSH_DELIVERY_OPTIONS = Symbol('WEBPUSH_DELIVERY_OPTIONS');

/** Sends one dispatch to every subscription it names; sent if at least one accepted it. */
@Injectable()
export class WebPushChannel implements DeliveryChannel<WebPushDispatchMessage> {
  readonly name = 'webpush' as const;
  readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly logger = new Logger(WebPushChannel.name);

  constructor(
    private readonly sender: PushSender,
    private readonly dataSource: DataSource,
    @Inject(WEBPUSH_DELIVERY_OPTIONS) options: WebPushDeliveryOptions,
    @Inject(BECKON_CONFIG) config: BeckonConfig,
  ) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.concurrency = options.concurrency ?? config.PUSH_CONCURRENCY;
  }

  parse(value: Buffer | null) {
    return parseWebPushDispatch(value);
  }

  async deliver(message: WebPushDispatchMessage): Promise<DeliveryOutcome> {
    let payload: string;
    try {
      payload = buildPushPayload(message.notification, message.dispatchId);
    } catch (err) {
      if (!(err instanceof PayloadTooLargeError)) throw err;
      return {
        dispatchId: message.dispatchId,
        status: 'failed',
        reason: 'push:payload_too_large',
        providerResponse: null,
        attempts: 0,
        error: err.message,
      };
    }
    const request: PushRequest = {
      ttlSeconds: message.ttlSeconds,
      urgency: message.urgency,
      topic: pushTopic(message.topic),
    };
    const subscriptions = [...new Map(message.subscriptions.map((s) => [s.endpoint, s])).values()];
    const results = await Promise.all(subscriptions.map((s) => this.sendToSubscription(s, payload, request)));
    return summarizePush(message.dispatchId, results);
  }

  /** Dead subscriptions (404/410) are dropped, one statement per batch, after the outcomes are recorded. */
  async afterRecord(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    const gone = outcomes.flatMap((outcome) => outcome.goneAddresses ?? []);
    if (gone.length === 0) return;
    await this.dataSource.query('DELETE FROM push_subscriptions WHERE endpoint = ANY($1::text[])', [gone]);
    this.logger.log(`dropped ${gone.length} expired push subscription(s)`);
  }

  private async sendToSubscription(
    subscription: PushSubscriptionKeys,
    payload: string,
    request: PushRequest,
  ): Promise<SubscriptionResult> {
    const { value, tries } = await withRetries<{ attempt: PushAttempt; verdict: PushVerdict }>(this.retry, async () => {
      const attempt = await this.sender.send(subscription, payload, request);
      const verdict = classifyPushAttempt(attempt);
      return verdict.kind === 'transient'
        ? { retry: true, value: { attempt, verdict }, retryAfterMs: verdict.retryAfterMs }
        : { retry: false, value: { attempt, verdict } };
    });
    return { endpoint: subscription.endpoint, ...value, tries };
  }
}
