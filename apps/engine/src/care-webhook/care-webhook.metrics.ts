import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

export type CareWebhookAttemptOutcome = 'delivered' | 'failed';

/** The care webhook's series in the engine's registry (GET /metrics). */
@Injectable()
export class CareWebhookMetrics {
  private readonly attempts: Counter<'outcome'>;
  private readonly givenUp: Counter;
  readonly pending: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'beckon_care_webhook_attempts_total',
      help: 'POSTs of care signals to CARE_WEBHOOK_URL, by outcome: delivered (a 2xx) or failed (retried later, or given up)',
      labelNames: ['outcome'],
      registers,
    });
    // Both outcomes from the start, so a rate of failures exists before the first one.
    for (const outcome of ['delivered', 'failed'] as const) this.attempts.inc({ outcome }, 0);
    this.givenUp = new Counter({
      name: 'beckon_care_webhook_given_up_total',
      help: 'Care signals whose webhook still failed 24 hours after the signal: no more retries (see webhook_last_error)',
      registers,
    });
    this.pending = new Gauge({
      name: 'beckon_care_webhook_pending_signals',
      help: 'Care signals not yet delivered to CARE_WEBHOOK_URL and not given up, as of the last poll; database-wide',
      registers,
    });
  }

  countAttempts(outcome: CareWebhookAttemptOutcome, n: number): void {
    if (n > 0) this.attempts.inc({ outcome }, n);
  }

  countGivenUp(n: number): void {
    if (n > 0) this.givenUp.inc(n);
  }
}
