import { holdsBack, Rule } from '@beckon/rules';
import { DueDispatch, OccasionOutcome } from '@beckon/triggers';

/**
 * Stage 3, hold-out: the steps whose customer is in the rule's holdout group. Drawn among the
 * customers the rule would message now, before channels and caps: held-out customers neither use up
 * a cap nor are left out because of one.
 */
export function heldOutSteps(
  due: readonly DueDispatch[],
  verdicts: ReadonlyMap<string, OccasionOutcome>,
  rules: ReadonlyMap<string, Rule>,
): Set<string> {
  return new Set(
    due
      .filter(
        (d) => verdicts.get(d.id)?.kind === 'fire' && holdsBack(rules.get(d.ruleId) as Rule, d.step, d.customerId),
      )
      .map((d) => d.id),
  );
}
