import { EntityManager } from 'typeorm';
import { Rule, Trigger } from '@beckon/rules';
import { PendingStep } from './sequences';
import { StockRequestFact } from './facts';

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

/** The restock fan-out (back in stock walks waiting lists in the background). */
export interface RestockFanouts {
  start(tx: EntityManager, productIds: readonly string[]): Promise<void>;
  scheduleNotifications(
    tx: EntityManager,
    requests: readonly StockRequestFact[],
    rules: ReadonlyArray<{ id: string; firstDelayMs: number }>,
    now: Date,
    correlationOf: (request: StockRequestFact) => string | null,
  ): Promise<number>;
  markNotified(tx: EntityManager, requestIds: readonly string[]): Promise<void>;
}

/**
 * What the engine lends its triggers: the side effects a trigger may have, and the settings it
 * reads. Triggers hold their own SQL for the state they read; writes go through these.
 */
export interface TriggerPorts {
  enabledRules(tx: EntityManager, trigger: Trigger): Promise<Rule[]>;
  sequences: SequenceStore;
  restock: RestockFanouts;
  /** The shop's zone, for customers who never said theirs (the one quiet hours use). */
  defaultTimezone(tx: EntityManager): Promise<string>;
  /** How often the moment scanner runs: events schedule the moments it may already have passed. */
  scanIntervalMs: number;
}
