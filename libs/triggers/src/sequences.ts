/**
 * The vocabulary between triggers and the dispatch log: the steps a trigger schedules and the due
 * steps it is asked about. The dispatch log stores them; triggers only see these shapes.
 */

/** A step to schedule: one rule, customer, occasion and step index (see DISPATCH_KEY). */
export interface PendingStep {
  ruleId: string;
  customerId: string;
  occasion: string;
  step: number;
  dueAt: Date;
  correlationId: string | null;
}

/** A step whose time came, claimed by the firing loop. */
export interface DueDispatch extends PendingStep {
  id: string;
}

/**
 * What a trigger says about a step that came due: send it with this template data, end the
 * sequence (the moment passed), wait (the moment moved to `until`, or waits for an event such as a
 * restock when `until` is null), or try again on a later tick (its state is being written right now).
 */
export type OccasionOutcome =
  | { kind: 'fire'; context: Record<string, unknown> }
  | { kind: 'end'; reason: string }
  | { kind: 'wait'; until: Date | null; reason: string }
  | { kind: 'postpone' };
