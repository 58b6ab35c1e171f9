import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { PollingLoop } from '../scheduling/polling-loop';
import { careWebhookPayload } from './care-webhook-payload';
import { nextAttemptAt, RetryPolicy } from './care-webhook-retry';
import { postCareWebhook } from './care-webhook-sender';
import { CareWebhookMetrics } from './care-webhook.metrics';
import { ClaimedSignal, CareWebhookRepository, WebhookOutcome } from './care-webhook.repository';

/** Signals POSTed at once, in parallel, within one claim transaction. */
const BATCH = 20;
/** Headroom over the POST timeout before the database may end a claim transaction left idle. */
const IDLE_MARGIN_MS = 30_000;

interface Target {
  url: string;
  secret: string;
}

/**
 * Relays care signals to CARE_WEBHOOK_URL (CONTRACT.md §8). Each batch is claimed FOR UPDATE SKIP
 * LOCKED, POSTed, and marked delivered or rescheduled in that same transaction, so a signal is never
 * in two POSTs at once and a 2xx is recorded as soon as it is known. Only a crash between a 2xx and
 * the commit sends a signal again: the receiver drops the repeat by its `id`.
 */
@Injectable()
export class CareWebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CareWebhook');
  private readonly loop: PollingLoop;
  private readonly retry: RetryPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly signals: CareWebhookRepository,
    private readonly metrics: CareWebhookMetrics,
    scheduler: SchedulerRegistry,
  ) {
    this.loop = new PollingLoop('care-webhook', scheduler, () => this.drain());
    this.retry = { baseMs: config.CARE_WEBHOOK_RETRY_BASE_MS, maxMs: config.CARE_WEBHOOK_RETRY_MAX_MS };
  }

  onApplicationBootstrap(): void {
    // Without a URL the signals simply stay pending: setting one later sends them (docs/operations.md).
    if (this.target() === null) return;
    this.loop.start(this.config.CARE_WEBHOOK_POLL_MS);
    void this.loop.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  private target(): Target | null {
    const { CARE_WEBHOOK_URL: url, CARE_WEBHOOK_SECRET: secret } = this.config;
    return url === undefined || secret === undefined ? null : { url, secret };
  }

  private async drain(): Promise<void> {
    const target = this.target();
    if (target === null) return;
    let claimed = BATCH;
    while (claimed === BATCH && !this.loop.isStopped) claimed = await this.deliverBatch(target);
    this.metrics.pending.set(await this.signals.countPending(this.dataSource.manager));
  }

  /** One batch in one transaction; returns how many signals it claimed. */
  private async deliverBatch(target: Target): Promise<number> {
    const done = await this.dataSource.transaction(async (tx) => {
      // The claimed rows stay locked while their POSTs run: no server default may end this sooner.
      await tx.query(
        `SET LOCAL idle_in_transaction_session_timeout = ${this.config.CARE_WEBHOOK_TIMEOUT_MS + IDLE_MARGIN_MS}`,
      );
      const claimed = await this.signals.claimDue(tx, BATCH, new Date());
      const outcomes = await Promise.all(claimed.map((signal) => this.post(target, signal)));
      await this.signals.record(tx, outcomes, new Date());
      return claimed.map((signal, i) => ({ signal, outcome: outcomes[i] }));
    });
    // Counted and logged after the commit: a batch that rolled back is tried (and counted) again.
    this.report(done);
    return done.length;
  }

  private async post(target: Target, signal: ClaimedSignal): Promise<WebhookOutcome> {
    const body = JSON.stringify(careWebhookPayload(signal));
    const result = await postCareWebhook(target.url, body, target.secret, this.config.CARE_WEBHOOK_TIMEOUT_MS);
    if (result.ok) return { id: signal.id, delivered: true, nextAt: null, error: null };
    const nextAt = nextAttemptAt(signal.created_at, new Date(), signal.webhook_attempts + 1, this.retry);
    return { id: signal.id, delivered: false, nextAt, error: result.error };
  }

  private report(done: ReadonlyArray<{ signal: ClaimedSignal; outcome: WebhookOutcome }>): void {
    const failed = done.filter((d) => !d.outcome.delivered);
    this.metrics.countAttempts('delivered', done.length - failed.length);
    this.metrics.countAttempts('failed', failed.length);
    for (const { signal } of done.filter((d) => d.outcome.delivered)) {
      this.logger.log({ msg: 'care webhook delivered', signalId: signal.id, customerId: signal.customer_id });
    }
    const givenUp = failed.filter((d) => d.outcome.nextAt === null);
    this.metrics.countGivenUp(givenUp.length);
    for (const { signal, outcome } of givenUp) {
      this.logger.error({
        msg: 'care webhook given up: still failing 24 hours after the signal',
        signalId: signal.id,
        customerId: signal.customer_id,
        signal: signal.signal,
        attempts: signal.webhook_attempts + 1,
        error: outcome.error,
      });
    }
    const retried = failed.length - givenUp.length;
    if (retried > 0) {
      this.logger.warn({
        msg: 'care webhook failed, will retry',
        failed: retried,
        of: done.length,
        error: failed[0].outcome.error,
      });
    }
  }
}
