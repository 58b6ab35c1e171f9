import { attributionWindows, AttributionWindows, RuleInput } from '@beckon/rules';
import type { RuleEngagementColumn, RuleEntity } from '@beckon/persistence';

/** A rule as the API shows it; `deletedAt` stays internal because deleted rules are not shown at all. */
export interface RuleView {
  id: string;
  name: string;
  trigger: string;
  enabled: boolean;
  params: Record<string, unknown>;
  steps: unknown[];
  priority: number;
  caps: { exempt: boolean };
  /** Present only when the rule overrides the global quiet hours (null: none for this rule). */
  quietHours?: { start: string; end: string } | null;
  holdoutPercent: number;
  attributionWindows: AttributionWindows;
  /** Present only when set on the rule: absent means both tracked, last-touch attribution. */
  tracking?: { clicks?: boolean; opens?: boolean };
  attribution?: { model: 'last_touch' | 'last_click' };
  createdAt: Date;
  updatedAt: Date;
}

/** The rule's caps and quiet-hours fields as stored in its pacing column; rules older than caps are not exempt. */
function pacingFields(entity: RuleEntity): Pick<RuleView, 'caps' | 'quietHours'> {
  const pacing = entity.pacing ?? {};
  return {
    caps: pacing.caps ?? { exempt: false },
    ...(pacing.quietHours === undefined ? {} : { quietHours: pacing.quietHours }),
  };
}

/** How the rule proves its worth; rules older than holdouts hold nobody back and use the default windows. */
function measurementFields(entity: RuleEntity): Pick<RuleView, 'holdoutPercent' | 'attributionWindows'> {
  return {
    holdoutPercent: entity.holdoutPercent ?? 0,
    attributionWindows: attributionWindows(entity.attributionWindows),
  };
}

/** Tracking and attribution model, only as set: rules that never set them show neither. */
function engagementFields(entity: RuleEngagementColumn | undefined): Pick<RuleView, 'tracking' | 'attribution'> {
  const { tracking, attribution } = entity ?? {};
  return { ...(tracking === undefined ? {} : { tracking }), ...(attribution === undefined ? {} : { attribution }) };
}

/** Every field a marketer sets, as stored. */
function ruleFields(entity: RuleEntity): Omit<RuleView, 'id' | 'createdAt' | 'updatedAt'> {
  const { name, trigger, enabled, params, steps, priority } = entity;
  return {
    name,
    trigger,
    enabled,
    params,
    steps,
    priority,
    ...pacingFields(entity),
    ...measurementFields(entity),
    ...engagementFields(entity.engagement),
  };
}

export function toRuleView(entity: RuleEntity): RuleView {
  const { id, createdAt, updatedAt } = entity;
  return { id, ...ruleFields(entity), createdAt, updatedAt };
}

/** The stored rule as validateRule once accepted it: the base a PATCH is applied over. */
export function toRuleInput(entity: RuleEntity): RuleInput {
  return ruleFields(entity) as RuleInput;
}

export function applyRuleInput(entity: RuleEntity, rule: RuleInput): RuleEntity {
  entity.name = rule.name;
  entity.trigger = rule.trigger;
  entity.enabled = rule.enabled;
  entity.params = rule.params as Record<string, unknown>;
  entity.steps = rule.steps;
  entity.priority = rule.priority;
  entity.pacing = {
    caps: rule.caps,
    ...(rule.quietHours === undefined ? {} : { quietHours: rule.quietHours }),
  };
  entity.holdoutPercent = rule.holdoutPercent;
  entity.attributionWindows = rule.attributionWindows;
  entity.engagement = engagementFields(rule);
  return entity;
}
