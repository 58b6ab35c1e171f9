import type { RuleInput } from '@beckon/rules';
import type { RuleEntity } from '@beckon/persistence';

/** A rule as the API shows it; `deletedAt` stays internal because deleted rules are not shown at all. */
export interface RuleView {
  id: string;
  name: string;
  trigger: string;
  enabled: boolean;
  params: Record<string, unknown>;
  steps: unknown[];
  priority: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toRuleView(entity: RuleEntity): RuleView {
  const { id, name, trigger, enabled, params, steps, priority, createdAt, updatedAt } = entity;
  return { id, name, trigger, enabled, params, steps, priority, createdAt, updatedAt };
}

/** The stored rule as validateRule once accepted it: the base a PATCH is applied over. */
export function toRuleInput(entity: RuleEntity): RuleInput {
  const { name, trigger, enabled, params, steps, priority } = entity;
  return { name, trigger, enabled, params, steps, priority } as RuleInput;
}

export function applyRuleInput(entity: RuleEntity, rule: RuleInput): RuleEntity {
  entity.name = rule.name;
  entity.trigger = rule.trigger;
  entity.enabled = rule.enabled;
  entity.params = rule.params as Record<string, unknown>;
  entity.steps = rule.steps;
  entity.priority = rule.priority;
  return entity;
}
