import { FINISHED_DISPATCH_STATUSES, LedgerEntry } from './delivery-ledger';

/** What to do with one dispatch message, given what the ledger says about its id. */
export type DeliveryAction =
  /** No dispatches row: nothing to report to, nothing to send. */
  | { kind: 'unknown' }
  /** A previous process died between send and outcome: reconcile, never resend. */
  | { kind: 'reconcile' }
  /** Failed earlier, but its dead letter was not confirmed: produce it again. */
  | { kind: 'dead-letter'; reason: string }
  /** Already finished (sent, failed, suppressed, ...): a replay or a duplicate. */
  | { kind: 'skip' }
  /** The customer opted out of this channel since the dispatch was queued. */
  | { kind: 'suppress' }
  | { kind: 'send' };

export function decideDelivery(entry: LedgerEntry | undefined): DeliveryAction {
  if (!entry || entry.dispatchStatus === null) return { kind: 'unknown' };
  const { attemptState } = entry;
  if (attemptState === 'attempting') return { kind: 'reconcile' };
  if ((attemptState === 'failed' || attemptState === 'abandoned') && !entry.attemptFinished) {
    return { kind: 'dead-letter', reason: entry.dispatchReason ?? entry.attemptError ?? 'failed' };
  }
  if (attemptState !== null || FINISHED_DISPATCH_STATUSES.includes(entry.dispatchStatus)) return { kind: 'skip' };
  if (entry.consent === false) return { kind: 'suppress' };
  return { kind: 'send' };
}
