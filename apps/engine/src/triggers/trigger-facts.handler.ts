import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { applyUnsubscribes } from '@beckon/consent';
import { ALL_TRIGGER_DEFINITIONS, ProjectionFacts, RuleOf, TriggerPorts } from '@beckon/triggers';
import { RuleCache } from '../rules/rule-cache';
import { TRIGGER_PORTS } from './trigger-ports';

/** Lets every event-driven trigger react to what a batch changed, inside the batch's transaction. */
@Injectable()
export class TriggerFactsHandler {
  constructor(
    @Inject(TRIGGER_PORTS) private readonly ports: TriggerPorts,
    private readonly rules: RuleCache,
  ) {}

  async handle(tx: EntityManager, facts: ProjectionFacts): Promise<void> {
    const now = new Date();
    // A rule created just before these events were sent applies to them.
    await this.rules.refreshIfChanged(tx);
    for (const definition of ALL_TRIGGER_DEFINITIONS) {
      if (definition.onFacts === undefined) continue;
      const rules = (await this.rules.enabledFor(definition.trigger, tx)) as Array<RuleOf<typeof definition.trigger>>;
      await definition.onFacts({ tx, now, rules, ports: this.ports }, facts);
    }
    // Last, so that it also ends what this batch scheduled; the rule is the unsubscribe link's (docs/consent.md).
    await applyUnsubscribes(tx, facts.unsubscribed);
  }
}
