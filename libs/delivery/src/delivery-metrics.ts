import { Counter, Histogram, Registry } from 'prom-client';
import { CounterTally, reasonClass } from '@beckon/observability';
import { DeliveryChannelName, DeliveryOutcome } from './delivery-ledger';

type SendLabel = 'channel' | 'status' | 'reason';

/** What a batch did, in the words of beckon_sends_total's status label. */
export type SendStatus = 'sent' | 'failed' | 'retry' | 'dead_lettered' | 'suppressed' | 'skipped';

/**
 * A delivery service's metrics: sends by channel, status and reason class; how long the provider
 * took per dispatch; and how long a dispatch waited from being queued by the engine until it was sent.
 */
export class DeliveryMetrics {
  private readonly sends: Counter<SendLabel>;
  private readonly sendDuration: Histogram<'channel' | 'status'>;
  private readonly queuedToSent: Histogram<'channel'>;

  constructor(
    registry: Registry,
    private readonly channel: DeliveryChannelName,
  ) {
    this.sends = new Counter({
      name: 'beckon_sends_total',
      help: 'Dispatch messages handled by a delivery service, by channel, status (sent, failed, retry, dead_lettered, suppressed, skipped) and reason class',
      labelNames: ['channel', 'status', 'reason'],
      registers: [registry],
    });
    this.sendDuration = new Histogram({
      name: 'beckon_send_duration_seconds',
      help: 'Provider time of one dispatch (SMTP or push service), in-process retries included, by final status',
      labelNames: ['channel', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.queuedToSent = new Histogram({
      name: 'beckon_dispatch_queued_to_sent_seconds',
      help: 'From the engine queueing a dispatch (its createdAt) to the provider accepting it',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    });
  }

  /** A tally for one batch, counted at once by `count`. */
  tally(): CounterTally<SendLabel> {
    return new CounterTally<SendLabel>();
  }

  add(tally: CounterTally<SendLabel>, status: SendStatus, reason: string | null, n = 1): void {
    tally.add({ channel: this.channel, status, reason: reasonClass(reason) }, n);
  }

  /** Counts an outcome as sent or failed, and its retries. */
  addOutcome(tally: CounterTally<SendLabel>, outcome: DeliveryOutcome): void {
    this.add(tally, outcome.status, outcome.reason);
    this.add(tally, 'retry', 'transient', outcome.retries ?? 0);
  }

  count(tally: CounterTally<SendLabel>): void {
    tally.addTo(this.sends);
  }

  sendTook(status: DeliveryOutcome['status'], seconds: number): void {
    this.sendDuration.observe({ channel: this.channel, status }, seconds);
  }

  /** `queuedAt` is the message's createdAt; a message without a usable one is not measured. */
  sentAfterQueued(queuedAt: string | undefined, now = Date.now()): void {
    const queued = queuedAt === undefined ? NaN : Date.parse(queuedAt);
    if (Number.isFinite(queued)) this.queuedToSent.observe({ channel: this.channel }, Math.max(0, now - queued) / 1000);
  }
}
