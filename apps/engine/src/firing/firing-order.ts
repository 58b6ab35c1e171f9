import { Rule } from '@beckon/rules';
import { DueDispatch } from '@beckon/triggers';

/**
 * The order a batch of due steps is decided in: higher rule priority first, so that when two
 * triggers want the same customer at once the more important message goes first (and, once caps
 * exist, is the one that fits); then the longest overdue.
 */
export function inFiringOrder(due: readonly DueDispatch[], rules: ReadonlyMap<string, Rule>): DueDispatch[] {
  const priority = (d: DueDispatch) => rules.get(d.ruleId)?.priority ?? -1;
  return [...due].sort(
    (a, b) => priority(b) - priority(a) || a.dueAt.getTime() - b.dueAt.getTime() || a.id.localeCompare(b.id),
  );
}
