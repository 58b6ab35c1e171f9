import { EntityManager } from 'typeorm';
import { PendingStep } from './sequences';

/** The dispatch log as triggers write to it: schedule steps, end sequences. */
export interface SequenceStore {
  /**
   * Schedules steps; with `reschedule` an existing still-scheduled step moves to the new due time,
   * and one ended for one of `reviveReasons` is armed again.
   */
  schedule(
    tx: EntityManager,
    steps: readonly PendingStep[],
    options: { reschedule: boolean; reviveReasons?: readonly string[] },
  ): Promise<void>;
  endOccasions(
    tx: EntityManager,
    ended: ReadonlyArray<{ customerId: string; occasion: string; reason: string }>,
  ): Promise<number>;
  endSequences(
    tx: EntityManager,
    ends: ReadonlyArray<{ customerId: string; occasionPrefix: string; keepOccasion: string | null; reason: string }>,
  ): Promise<void>;
  endSteps(tx: EntityManager, keys: readonly string[], reason: string): Promise<void>;
  endCustomerSequences(
    tx: EntityManager,
    customerIds: readonly string[],
    occasionPrefix: string,
    reason: string,
  ): Promise<void>;
}

/** Stock requests (the catalog's table): a request whose notification went out is done. */
export interface StockRequests {
  markNotified(tx: EntityManager, requestIds: readonly string[]): Promise<void>;
}

/** What a survey link answers for: one message about one order (signed by the engine, verified by the API). */
export interface SurveyLinkClaim {
  dispatchId: string;
  customerId: string;
  orderId: string;
  ruleId: string;
}

/**
 * What the engine lends its triggers: the side effects a trigger may have, and the settings it
 * reads. Triggers hold their own SQL for the state they read; writes go through these.
 */
export interface TriggerPorts {
  sequences: SequenceStore;
  stockRequests: StockRequests;
  /** The shop's zone, for customers who never said theirs (the one quiet hours use). */
  defaultTimezone(tx: EntityManager): Promise<string>;
  /** How often the moment scanner runs: events schedule the moments it may already have passed. */
  scanIntervalMs: number;
  /** The signed link that answers a post-purchase survey with `score` (0-10). */
  surveyUrl(claim: SurveyLinkClaim, score: number): string;
}
