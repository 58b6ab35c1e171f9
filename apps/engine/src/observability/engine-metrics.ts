import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { ConsumerLagGauge, CounterTally } from '@beckon/observability';

export type EventOutcome = 'accepted' | 'duplicate' | 'invalid';
type EventLabel = 'event' | 'outcome';
type DecisionLabel = 'trigger' | 'status' | 'reason';

/** The engine's own series in its registry (GET /metrics); every name starts with beckon_. */
@Injectable()
export class EngineMetrics {
  readonly consumerLag: ConsumerLagGauge;
  private readonly events: Counter<EventLabel>;
  private readonly decisions: Counter<DecisionLabel>;
  private readonly published: Counter<'topic'>;
  readonly timersDue: Gauge;
  readonly timersPending: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.consumerLag = new ConsumerLagGauge(registry);
    this.events = new Counter({
      name: 'beckon_events_consumed_total',
      help: 'Storefront events consumed, by event (track name, identify; other for unknown track events) and outcome: accepted, duplicate (messageId seen before), invalid (dead-lettered)',
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.decisions = new Counter({
      name: 'beckon_decisions_total',
      help: 'Due steps decided, by trigger, resulting dispatch status (queued, suppressed, deferred, holdout, scheduled when the step waits again) and reason class',
      labelNames: ['trigger', 'status', 'reason'],
      registers,
    });
    this.published = new Counter({
      name: 'beckon_outbox_published_total',
      help: 'Dispatch messages relayed from the outbox to Kafka, by topic',
      labelNames: ['topic'],
      registers,
    });
    this.timersDue = new Gauge({
      name: 'beckon_timer_due_dispatches',
      help: 'Scheduled or deferred dispatches whose due time has passed (waiting for the due-step worker), as of the last refresh',
      registers,
    });
    this.timersPending = new Gauge({
      name: 'beckon_timer_pending_dispatches',
      help: 'All scheduled or deferred dispatches, due or not, as of the last refresh',
      registers,
    });
  }

  eventTally(): CounterTally<EventLabel> {
    return new CounterTally<EventLabel>();
  }

  countEvents(tally: CounterTally<EventLabel>): void {
    tally.addTo(this.events);
  }

  decisionTally(): CounterTally<DecisionLabel> {
    return new CounterTally<DecisionLabel>();
  }

  countDecisions(tally: CounterTally<DecisionLabel>): void {
    tally.addTo(this.decisions);
  }

  countPublished(topic: string, n: number): void {
    this.published.inc({ topic }, n);
  }
}
