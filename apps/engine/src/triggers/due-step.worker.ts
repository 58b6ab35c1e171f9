import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { createUnsubscribeToken, unsubscribeUrl } from '@beckon/consent';
import { TopicNames } from '@beckon/contracts';
import { TOPICS } from '@beckon/kafka';
import { addIsoDuration, Channel, holdsBack, Rule, Trigger } from '@beckon/rules';
import { composeDispatch } from '../dispatch/compose-dispatch';
import { DispatchOutcome, DispatchRepository, DueDispatch, PendingStep } from '../dispatch/dispatch.repository';
import { OutboxMessage, OutboxRepository } from '../dispatch/outbox.repository';
import { OutboxRelay } from '../dispatch/outbox-relay';
import { loadRecipients } from '@beckon/template-context';
import { RuleCache } from '../rules/rule-cache';
import { inFiringOrder } from './firing-order';
import { OCCASION_RESOLVERS, OccasionOutcome, OccasionResolver } from './occasion-resolver';
import { CappingService } from '../capping/capping.service';
import { DecidedBatch, DecisionLog, NO_DECISIONS } from '../observability/decision-log';
import { PollingLoop } from '../scheduling/polling-loop';

const CLAIM = 200;

/**
 * Fires due steps: claims them, asks their trigger whether the moment still holds, picks the channel,
 * and writes the decision, the outgoing message and the next step in one transaction.
 */
@Injectable()
export class DueStepWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly resolvers: Map<Trigger, OccasionResolver>;
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(OCCASION_RESOLVERS) resolvers: OccasionResolver[],
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    scheduler: SchedulerRegistry,
    private readonly capping: CappingService,
    private readonly decisions: DecisionLog,
  ) {
    this.resolvers = new Map(resolvers.map((r) => [r.trigger, r]));
    this.loop = new PollingLoop('due-steps', scheduler, () => this.drain());
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.TIMER_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async drain(): Promise<void> {
    while (!this.loop.isStopped) {
      const { claimed, settled, decided } = await this.dataSource.transaction((tx) => this.fireBatch(tx));
      this.decisions.record(decided);
      if (settled > 0) this.relay.wake();
      if (claimed < CLAIM || settled === 0) return;
    }
  }

  private async fireBatch(tx: EntityManager): Promise<{ claimed: number; settled: number; decided: DecidedBatch }> {
    const now = new Date();
    const claimed = await this.dispatches.claimDue(tx, CLAIM, now);
    if (claimed.length === 0) return { claimed: 0, settled: 0, decided: NO_DECISIONS };
    // A rule disabled a moment ago stops its steps now, not half a second later.
    await this.rules.refreshIfChanged(tx);
    const rules = await this.rules.all(tx);
    const due = inFiringOrder(claimed, rules);
    // A customer an ingestion batch is writing right now is looked at again on the next tick, so a
    // step never fires on state that is about to change (an order arriving as the reminder goes out).
    const busy = await this.dispatches.busyCustomers(
      tx,
      due.map((d) => d.customerId),
    );

    const verdicts = new Map<string, OccasionOutcome>();
    const byTrigger = new Map<Trigger, DueDispatch[]>();
    for (const d of due) {
      const rule = rules.get(d.ruleId);
      if (busy.has(d.customerId)) verdicts.set(d.id, { kind: 'postpone' });
      else if (rule === undefined) verdicts.set(d.id, { kind: 'end', reason: 'rule_deleted' });
      else if (!rule.enabled) verdicts.set(d.id, { kind: 'end', reason: 'rule_disabled' });
      else byTrigger.set(rule.trigger, [...(byTrigger.get(rule.trigger) ?? []), d]);
    }
    for (const [trigger, list] of byTrigger) {
      const resolver = this.resolvers.get(trigger);
      if (resolver === undefined) {
        for (const d of list)
          verdicts.set(d.id, {
            kind: 'end',
            reason: `trigger_unavailable:${trigger}`,
          });
        continue;
      }
      for (const [id, outcome] of await resolver.resolve(tx, list, rules, now)) verdicts.set(id, outcome);
    }

    // The holdout is drawn among the customers the rule would message now, before channels and caps:
    // held-out customers neither use up a cap nor are left out because of one.
    const heldOut = new Set(
      due
        .filter(
          (d) => verdicts.get(d.id)?.kind === 'fire' && holdsBack(rules.get(d.ruleId) as Rule, d.step, d.customerId),
        )
        .map((d) => d.id),
    );
    const firing = due.filter((d) => verdicts.get(d.id)?.kind === 'fire' && !heldOut.has(d.id));
    const recipients = await loadRecipients(
      tx,
      firing.map((d) => d.customerId),
    );
    // Locks the customers' cap ledgers until commit; the gate counts this batch's own sends as it goes.
    const caps = await this.capping.open(
      tx,
      firing.map((d) => d.customerId),
    );
    const outcomes: DispatchOutcome[] = [];
    const messages: OutboxMessage[] = [];
    const next: PendingStep[] = [];

    for (const d of due) {
      const verdict = verdicts.get(d.id) ?? { kind: 'postpone' };
      if (verdict.kind === 'postpone') continue;
      if (verdict.kind === 'wait') {
        outcomes.push({ id: d.id, status: 'scheduled', channel: null, reason: verdict.reason, dueAt: verdict.until });
        continue;
      }
      if (verdict.kind === 'end') {
        outcomes.push({
          id: d.id,
          status: 'suppressed',
          channel: null,
          reason: verdict.reason,
          dueAt: null,
        });
        continue;
      }
      if (heldOut.has(d.id)) {
        // Nothing is sent and the sequence ends here: no later step is scheduled.
        outcomes.push({ id: d.id, status: 'holdout', channel: null, reason: 'holdout', dueAt: null });
        continue;
      }
      const rule = rules.get(d.ruleId) as Rule;
      const recipient = recipients.get(d.customerId);
      const composition =
        recipient === undefined
          ? ({ kind: 'suppress', reason: 'no_profile' } as const)
          : composeDispatch({
              dispatchId: d.id,
              rule,
              stepIndex: d.step,
              occasion: d.occasion,
              recipient,
              context: verdict.context,
              correlationId: d.correlationId ?? d.id,
              unsubscribeUrl: (customerId, channel) => this.unsubscribeLink(customerId, channel),
              now,
              limits: caps.limitsFor(rule, d.customerId, recipient.timezone),
            });
      if (composition.kind === 'send') {
        outcomes.push({
          id: d.id,
          status: 'queued',
          channel: composition.channel,
          reason: null,
          dueAt: null,
          capCountedAt: caps.record(rule, d.customerId, composition.channel),
          fallbackReason: composition.fallbackReason,
        });
        messages.push({
          topic: composition.channel === 'email' ? this.topics.emailDispatch : this.topics.webPushDispatch,
          key: d.customerId,
          payload: composition.message,
        });
      } else if (composition.kind === 'defer') {
        // Held, never dropped: claimed again when the quiet hours end, and judged against caps then.
        outcomes.push({
          id: d.id,
          status: 'deferred',
          channel: null,
          reason: composition.reason,
          dueAt: composition.until,
        });
        continue;
      } else {
        outcomes.push({
          id: d.id,
          status: 'suppressed',
          channel: null,
          reason: composition.reason,
          dueAt: null,
        });
      }
      const following = rule.steps[d.step + 1];
      if (following !== undefined) {
        next.push({
          ruleId: d.ruleId,
          customerId: d.customerId,
          occasion: d.occasion,
          step: d.step + 1,
          dueAt: addIsoDuration(now, following.after),
          correlationId: d.correlationId,
        });
      }
    }
    await this.dispatches.recordOutcomes(tx, outcomes);
    await this.outbox.add(tx, messages);
    await this.dispatches.schedule(tx, next, { reschedule: false });
    return { claimed: claimed.length, settled: outcomes.length, decided: { due, outcomes, rules } };
  }

  private unsubscribeLink(customerId: string, channel: Channel): string {
    const token = createUnsubscribeToken({ customerId, channel }, this.config.UNSUBSCRIBE_SECRET ?? '');
    return unsubscribeUrl(this.config.PUBLIC_BASE_URL, token);
  }
}
