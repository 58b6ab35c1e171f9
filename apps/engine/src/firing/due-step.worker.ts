import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { createUnsubscribeToken, unsubscribeUrl } from '@beckon/consent';
import { TopicNames } from '@beckon/contracts';
import { TOPICS } from '@beckon/kafka';
import { Channel } from '@beckon/rules';
import { loadRecipients } from '@beckon/template-context';
import { TriggerPorts } from '@beckon/triggers';
import { CappingService } from '../capping/capping.service';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { DecidedBatch, DecisionLog, NO_DECISIONS } from '../observability/decision-log';
import { OutboxRelay } from '../outbox/outbox-relay';
import { OutboxRepository } from '../outbox/outbox.repository';
import { RuleCache } from '../rules/rule-cache';
import { PollingLoop } from '../scheduling/polling-loop';
import { TRIGGER_PORTS } from '../triggers/trigger-ports';
import { claimDueSteps } from './claim-due-steps';
import { composeSteps } from './compose-steps';
import { heldOutSteps } from './hold-out';
import { resolveOccasions } from './resolve-occasions';
import { writeWithOutbox } from './write-with-outbox';

const CLAIM = 200;

/**
 * Fires due steps, a batch per transaction, in six stages: claim, resolve (does the moment still
 * hold?), hold-out, choose the channel under caps and compose, write with the outbox. The batch
 * commits as one: decisions, messages and next steps together.
 */
@Injectable()
export class DueStepWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(TRIGGER_PORTS) private readonly ports: TriggerPorts,
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    scheduler: SchedulerRegistry,
    private readonly capping: CappingService,
    private readonly decisions: DecisionLog,
  ) {
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
    const claimed = await claimDueSteps(tx, this.dispatches, this.rules, CLAIM, now);
    if (claimed === null) return { claimed: 0, settled: 0, decided: NO_DECISIONS };
    const { due, rules } = claimed;

    const verdicts = await resolveOccasions(tx, claimed, this.ports, now);
    const heldOut = heldOutSteps(due, verdicts, rules);
    const firing = due.filter((d) => verdicts.get(d.id)?.kind === 'fire' && !heldOut.has(d.id));
    const customers = firing.map((d) => d.customerId);
    const recipients = await loadRecipients(tx, customers);
    // Locks the customers' cap ledgers until commit; the gate counts this batch's own sends as it goes.
    const caps = await this.capping.open(tx, customers);

    const decisions = composeSteps(due, {
      rules,
      verdicts,
      heldOut,
      recipients,
      caps,
      topics: this.topics,
      unsubscribeUrl: (customerId, channel) => this.unsubscribeLink(customerId, channel),
      trackingLinks: { publicBaseUrl: this.config.PUBLIC_BASE_URL, secret: this.config.UNSUBSCRIBE_SECRET ?? '' },
      now,
    });
    await writeWithOutbox(tx, this.dispatches, this.outbox, decisions);
    const { outcomes } = decisions;
    return { claimed: due.length, settled: outcomes.length, decided: { due, outcomes, rules } };
  }

  private unsubscribeLink(customerId: string, channel: Channel): string {
    const token = createUnsubscribeToken({ customerId, channel }, this.config.UNSUBSCRIBE_SECRET ?? '');
    return unsubscribeUrl(this.config.PUBLIC_BASE_URL, token);
  }
}
