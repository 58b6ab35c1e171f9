import { EntityManager } from 'typeorm';
import { Rule, Trigger } from '@beckon/rules';
import { DueDispatch } from '../dispatch/dispatch.repository';

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

export interface OccasionResolver {
  readonly trigger: Trigger;
  resolve(
    tx: EntityManager,
    due: readonly DueDispatch[],
    rules: ReadonlyMap<string, Rule>,
    now: Date,
  ): Promise<Map<string, OccasionOutcome>>;
}

export const OCCASION_RESOLVERS = Symbol('OCCASION_RESOLVERS');
