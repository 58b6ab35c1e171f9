import { EntityManager } from 'typeorm';
import { Rule } from '@beckon/rules';
import { Recipient } from '@beckon/template-context';
import { PreviewOptions, RuleOf } from './definition';
import { definitionOf } from './definitions';

/**
 * The trigger data a rule's step would see for this customer now, built by the same functions the
 * engine uses when the step fires, so a preview shows what the customer would get.
 */
export function previewContext(
  db: EntityManager,
  rule: Rule,
  recipient: Recipient,
  options: PreviewOptions,
): Promise<Record<string, unknown>> {
  return definitionOf(rule.trigger).preview(db, rule as RuleOf<typeof rule.trigger>, recipient, options);
}
