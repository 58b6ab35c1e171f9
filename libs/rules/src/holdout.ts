import { createHash } from 'node:crypto';

/** Resolution of the holdout split: 10,000 buckets, so a percentage with two decimals is exact. */
export const HOLDOUT_BUCKETS = 10_000;
export const MAX_HOLDOUT_PERCENT = 50;

/**
 * The customer's bucket for a rule, 0..9999. A hash rather than a random draw: the same customer is
 * held out of every sequence of the rule, on every engine instance and after every restart, and a
 * customer held out of one rule is no likelier to be held out of another.
 */
export function holdoutBucket(ruleId: string, customerId: string): number {
  const digest = createHash('sha256').update(ruleId).update('\u0000').update(customerId).digest();
  return digest.readUInt32BE(0) % HOLDOUT_BUCKETS;
}

/** Whether the rule holds this customer back (logged `holdout`, nothing sent). */
export function isHeldOut(ruleId: string, customerId: string, holdoutPercent: number): boolean {
  if (holdoutPercent <= 0) return false;
  return holdoutBucket(ruleId, customerId) < Math.round(holdoutPercent * (HOLDOUT_BUCKETS / 100));
}

/**
 * Whether this due step is held back. Only a sequence's first step decides: a held-out customer's
 * sequence never starts, and one that started (before the rule had a holdout) runs to its end.
 */
export function holdsBack(
  rule: { id: string; holdoutPercent: number },
  stepIndex: number,
  customerId: string,
): boolean {
  return stepIndex === 0 && isHeldOut(rule.id, customerId, rule.holdoutPercent);
}
