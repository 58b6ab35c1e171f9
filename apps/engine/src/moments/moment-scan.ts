import { EntityManager } from 'typeorm';
import { Rule } from '@beckon/rules';
import { ScannedTrigger } from './horizon';

/** Where a rule's walk over one stream of moments stands: a keyset position (time, then a tiebreak key). */
export interface ScanCursor {
  /** null: before the first moment. */
  at: Date | null;
  key: string;
}

/** One scan of a rule: how far ahead it looks, and what the rows it schedules name as their cause. */
export interface ScanTick {
  horizon: Date;
  /** See scanCorrelationId. */
  correlationId: string;
}

export interface ScanPage {
  cursor: ScanCursor;
  scheduled: number;
  /** Nothing more is due within the horizon. */
  done: boolean;
}

/** Customers or clocks per statement: big enough to be cheap, small enough to keep locks short. */
export const SCAN_PAGE = 5000;

/**
 * One time-based trigger's moments, as indexed rows the scanner walks in due order. A page schedules
 * the first step of every moment due by the horizon after the cursor, with INSERT ... SELECT ... ON
 * CONFLICT DO NOTHING, so a page done twice (a crash, two instances) schedules nothing twice.
 */
export interface MomentScan {
  readonly trigger: ScannedTrigger;
  streams(rule: Rule): readonly string[];
  /**
   * The earliest position worth scanning from: moments before it are no longer worth a message (a
   * birthday long past, a supply that already ran out). null: no limit.
   */
  floor(rule: Rule, stream: string, now: Date): ScanCursor | null;
  page(tx: EntityManager, rule: Rule, stream: string, cursor: ScanCursor, tick: ScanTick): Promise<ScanPage>;
}

export function laterCursor(stored: ScanCursor, floor: ScanCursor | null): ScanCursor {
  if (floor === null || floor.at === null) return stored;
  if (stored.at !== null && stored.at >= floor.at) return stored;
  return floor;
}

/** What a scan's dispatches name as their cause: no event started them, the rule's scan at that tick did. */
export function scanCorrelationId(ruleId: string, tick: Date): string {
  return `scan:${ruleId}:${tick.toISOString()}`;
}
