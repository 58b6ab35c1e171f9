/**
 * Per-rule funnel and holdout comparison of GET /v1/dispatches/stats, folded from the grouped rows
 * the stats queries return. Pure, so the arithmetic (rates, uplift, which steps and rules are listed)
 * is unit tested without a database.
 */

import type { NpsSummary } from '@beckon/rules';

/** Dispatch counts of one rule step by current status (step 0-based, as stored). */
export interface StepStatusCount {
  ruleId: string;
  step: number;
  status: string;
  count: number;
}

export interface StepConversions {
  ruleId: string;
  step: number;
  conversions: number;
  revenue: number;
}

/** Sequences of one rule's holdout group (first step sent, or held out) followed by an order in the window. */
export interface GroupOutcome {
  ruleId: string;
  heldOut: boolean;
  converted: number;
  revenue: number;
}

export interface RuleInfo {
  id: string;
  name: string;
  trigger: string;
  holdoutPercent: number;
  stepCount: number;
}

export interface StepStats {
  step: number;
  triggered: number;
  sent: number;
  failed: number;
  suppressed: number;
  conversions: number;
  revenue: number;
  conversionRate: number;
}

export interface GroupStats {
  customers: number;
  conversions: number;
  revenue: number;
  conversionRate: number;
}

export interface RuleStats {
  ruleId: string;
  name: string;
  trigger: string;
  holdoutPercent: number;
  triggered: number;
  sent: number;
  conversions: number;
  revenue: number;
  conversionRate: number;
  steps: StepStats[];
  holdout: { messaged: GroupStats; heldOut: GroupStats; uplift: number | null };
  /** Only on post_purchase rules: the NPS of the answers to their survey in the range. */
  nps?: NpsSummary;
}

/** Statuses that mean no decision was taken yet, or none that counts as triggering the rule. */
const NOT_TRIGGERED = new Set(['scheduled', 'holdout']);

const cents = (amount: number): number => Math.round(amount * 100) / 100;
const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

function emptyStep(step: number): StepStats {
  return { step, triggered: 0, sent: 0, failed: 0, suppressed: 0, conversions: 0, revenue: 0, conversionRate: 0 };
}

function group(customers: number, outcome: GroupOutcome | undefined): GroupStats {
  const conversions = outcome?.converted ?? 0;
  return {
    customers,
    conversions,
    revenue: cents(outcome?.revenue ?? 0),
    conversionRate: rate(conversions, customers),
  };
}

/**
 * Every rule with dispatches in the range (or the one asked for), in the order given; steps 1..n of
 * the rule's definition, plus any step the log still has beyond it (a rule shortened since).
 */
export function ruleFunnels(
  rules: readonly RuleInfo[],
  counts: readonly StepStatusCount[],
  conversions: readonly StepConversions[],
  groups: readonly GroupOutcome[],
  listed: (rule: RuleInfo) => boolean,
): RuleStats[] {
  const steps = new Map<string, Map<number, StepStats>>();
  // The groups are sequences: a first step sent (messaged) or held out, one per customer and occasion.
  const sizes = new Map<string, { messaged: number; heldOut: number }>();
  const stepOf = (ruleId: string, step: number): StepStats => {
    const ofRule = steps.get(ruleId) ?? new Map<number, StepStats>();
    steps.set(ruleId, ofRule);
    const stats = ofRule.get(step) ?? emptyStep(step + 1);
    ofRule.set(step, stats);
    return stats;
  };
  for (const { ruleId, step, status, count } of counts) {
    const stats = stepOf(ruleId, step);
    const size = sizes.get(ruleId) ?? { messaged: 0, heldOut: 0 };
    sizes.set(ruleId, size);
    if (status === 'holdout') size.heldOut += count;
    if (status === 'sent' && step === 0) size.messaged += count;
    if (!NOT_TRIGGERED.has(status)) stats.triggered += count;
    if (status === 'sent' || status === 'failed' || status === 'suppressed') stats[status] += count;
  }
  for (const c of conversions) {
    const stats = stepOf(c.ruleId, c.step);
    stats.conversions += c.conversions;
    stats.revenue += c.revenue;
  }

  return rules.filter(listed).map((rule) => {
    for (let step = 0; step < rule.stepCount; step++) stepOf(rule.id, step);
    const list = [...(steps.get(rule.id)?.values() ?? [])].sort((a, b) => a.step - b.step);
    for (const s of list) {
      s.revenue = cents(s.revenue);
      s.conversionRate = rate(s.conversions, s.sent);
    }
    const total = (field: 'triggered' | 'sent' | 'conversions' | 'revenue') =>
      list.reduce((sum, s) => sum + s[field], 0);
    const size = sizes.get(rule.id) ?? { messaged: 0, heldOut: 0 };
    const messaged = group(
      size.messaged,
      groups.find((g) => g.ruleId === rule.id && !g.heldOut),
    );
    const heldOut = group(
      size.heldOut,
      groups.find((g) => g.ruleId === rule.id && g.heldOut),
    );
    return {
      ruleId: rule.id,
      name: rule.name,
      trigger: rule.trigger,
      holdoutPercent: rule.holdoutPercent,
      triggered: total('triggered'),
      sent: total('sent'),
      conversions: total('conversions'),
      revenue: cents(total('revenue')),
      conversionRate: rate(total('conversions'), total('sent')),
      steps: list,
      holdout: {
        messaged,
        heldOut,
        uplift: heldOut.customers === 0 ? null : messaged.conversionRate - heldOut.conversionRate,
      },
    };
  });
}

/** Suppression and failure reasons over all rules and channels, most frequent first. */
export function reasonCounts(
  rows: ReadonlyArray<{ reason: string | null; status: string; count: number }>,
): Array<{ reason: string; status: string; count: number }> {
  const totals = new Map<string, { reason: string; status: string; count: number }>();
  for (const row of rows) {
    if (row.reason === null) continue;
    const key = `${row.reason}\u0000${row.status}`;
    const known = totals.get(key) ?? { reason: row.reason, status: row.status, count: 0 };
    known.count += row.count;
    totals.set(key, known);
  }
  return [...totals.values()].sort(
    (a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.status.localeCompare(b.status),
  );
}
