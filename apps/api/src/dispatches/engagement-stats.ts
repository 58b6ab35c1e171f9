import type { RuleStats } from './rule-funnel';

/** Dispatches of one rule step (0-based, as stored) opened and clicked at least once. */
export interface StepEngagementCount {
  ruleId: string;
  step: number;
  opened: number;
  clicked: number;
}

/** Opens and clicks over sent messages. Opens are a weak signal: privacy proxies load every pixel. */
export interface Engagement {
  opened: number;
  clicked: number;
  openRate: number;
  clickRate: number;
}

export type EngagedRuleStats = Omit<RuleStats, 'steps'> &
  Engagement & {
    /** Each step with its own opens and clicks (CONTRACT.md §6: per rule and step). */
    steps: Array<RuleStats['steps'][number] & Engagement>;
  };

const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

function engagement(opened: number, clicked: number, sent: number): Engagement {
  return { opened, clicked, openRate: rate(opened, sent), clickRate: rate(clicked, sent) };
}

/**
 * Each rule's opens and clicks, in total and per step. Rates are over the messages sent, each message
 * counted once however often it was opened or clicked; a push has no pixel, so a step that goes by
 * push shows fewer opens than it had.
 */
export function withEngagement(
  rules: readonly RuleStats[],
  counts: readonly StepEngagementCount[],
): EngagedRuleStats[] {
  const byStep = new Map(counts.map((c) => [`${c.ruleId}\u0000${c.step + 1}`, c]));
  return rules.map((rule) => {
    const steps = rule.steps.map((s) => {
      const count = byStep.get(`${rule.ruleId}\u0000${s.step}`);
      return { ...s, ...engagement(count?.opened ?? 0, count?.clicked ?? 0, s.sent) };
    });
    const sum = (field: 'opened' | 'clicked') => steps.reduce((total, s) => total + s[field], 0);
    return { ...rule, ...engagement(sum('opened'), sum('clicked'), rule.sent), steps };
  });
}
