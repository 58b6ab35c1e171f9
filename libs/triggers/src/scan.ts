import { EntityManager } from 'typeorm';
import { Rule } from '@beckon/rules';
import { TriggerPorts } from './ports';

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

/** Longer than any ingestion transaction: see eventSchedules. */
const EVENT_MARGIN_MS = 3600 * 1000;

/**
 * One time-based trigger's moments, as indexed rows the scanner walks in due order. A page schedules
 * the first step of every moment due by the horizon after the cursor, with INSERT ... SELECT ... ON
 * CONFLICT DO NOTHING, so a page done twice (a crash, two instances) schedules nothing twice.
 */
export interface MomentScan {
  streams(rule: Rule): readonly string[];
  /**
   * How far ahead of their due time first steps are scheduled: at least one scan interval, so a step
   * is in place when it comes due.
   */
  horizon(now: Date, scanIntervalMs: number): Date;
  /** The furthest ahead of now `horizon` ever reaches: how far ahead events schedule themselves. */
  maxLeadMs(scanIntervalMs: number): number;
  /**
   * The earliest position worth scanning from: moments before it are no longer worth a message (a
   * birthday long past, a supply that already ran out). null: no limit.
   */
  floor(rule: Rule, stream: string, now: Date): ScanCursor | null;
  page(
    tx: EntityManager,
    rule: Rule,
    stream: string,
    cursor: ScanCursor,
    tick: ScanTick,
    ports: TriggerPorts,
  ): Promise<ScanPage>;
}

/** The usual horizon: the next scan comes one interval from now. */
export const ONE_INTERVAL_AHEAD: Pick<MomentScan, 'horizon' | 'maxLeadMs'> = {
  horizon: (now, scanIntervalMs) => new Date(now.getTime() + scanIntervalMs),
  maxLeadMs: (scanIntervalMs) => scanIntervalMs,
};

/**
 * Whether an event (an order, an identify) schedules a first step itself rather than leaving it to
 * the scanner: when it is due within the scanner's horizon (the scanner may have passed that point
 * already, or may scan before this transaction commits) plus a margin longer than the transaction.
 * Later moments stay in their indexed column until the scanner reaches them.
 */
export function eventSchedules(scan: MomentScan, dueAt: Date, now: Date, scanIntervalMs: number): boolean {
  return dueAt.getTime() <= now.getTime() + scan.maxLeadMs(scanIntervalMs) + EVENT_MARGIN_MS;
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
