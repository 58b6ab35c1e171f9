import { EntityManager } from 'typeorm';
import { Trigger } from '@beckon/rules';
import { DueDispatch, findDefinition, OccasionOutcome, ResolveRun, TriggerPorts } from '@beckon/triggers';
import { ClaimedSteps } from './claim-due-steps';

/**
 * Stage 2, resolve: whether each step's moment still holds. Steps of busy customers wait for the next
 * tick, steps of deleted or disabled rules end, and the rest go to their trigger's definition, one
 * call per trigger for the whole batch.
 */
export async function resolveOccasions(
  tx: EntityManager,
  { due, rules, busy }: ClaimedSteps,
  ports: TriggerPorts,
  now: Date,
): Promise<Map<string, OccasionOutcome>> {
  const verdicts = new Map<string, OccasionOutcome>();
  const byTrigger = new Map<Trigger, DueDispatch[]>();
  for (const d of due) {
    const rule = rules.get(d.ruleId);
    if (busy.has(d.customerId)) verdicts.set(d.id, { kind: 'postpone' });
    else if (rule === undefined) verdicts.set(d.id, { kind: 'end', reason: 'rule_deleted' });
    else if (!rule.enabled) verdicts.set(d.id, { kind: 'end', reason: 'rule_disabled' });
    else {
      const list = byTrigger.get(rule.trigger);
      if (list === undefined) byTrigger.set(rule.trigger, [d]);
      else list.push(d);
    }
  }
  for (const [trigger, list] of byTrigger) {
    const definition = findDefinition(trigger);
    if (definition === undefined) {
      // A rule stored by a version that knew a trigger this one does not.
      for (const d of list) verdicts.set(d.id, { kind: 'end', reason: `trigger_unavailable:${trigger}` });
      continue;
    }
    const run = { tx, now, rules, ports } as ResolveRun<Trigger>;
    for (const [id, outcome] of await definition.resolve(run, list)) verdicts.set(id, outcome);
  }
  return verdicts;
}
