import { LedgerEntry } from './delivery-ledger';
import { decideDelivery } from './delivery-plan';

const entry = (overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  dispatchId: '00000000-0000-4000-8000-000000000001',
  dispatchStatus: 'queued',
  dispatchReason: null,
  attemptState: null,
  attemptError: null,
  attemptFinished: false,
  consent: null,
  ...overrides,
});

describe('decideDelivery', () => {
  it('sends a queued dispatch never attempted', () => {
    expect(decideDelivery(entry())).toEqual({ kind: 'send' });
    expect(decideDelivery(entry({ consent: true }))).toEqual({ kind: 'send' });
  });

  it('knows nothing of a dispatch without a row', () => {
    expect(decideDelivery(undefined)).toEqual({ kind: 'unknown' });
    expect(decideDelivery(entry({ dispatchStatus: null }))).toEqual({ kind: 'unknown' });
  });

  it('skips finished dispatches (replays, duplicates)', () => {
    for (const status of ['sent', 'failed', 'suppressed', 'holdout']) {
      expect(decideDelivery(entry({ dispatchStatus: status }))).toEqual({ kind: 'skip' });
    }
    expect(decideDelivery(entry({ dispatchStatus: 'sent', attemptState: 'sent', attemptFinished: true }))).toEqual({
      kind: 'skip',
    });
    expect(decideDelivery(entry({ attemptState: 'failed', attemptFinished: true }))).toEqual({ kind: 'skip' });
  });

  it('reconciles an attempt without outcome instead of resending it', () => {
    expect(decideDelivery(entry({ attemptState: 'attempting' }))).toEqual({ kind: 'reconcile' });
  });

  it('re-produces the dead letter of a failure whose dead letter was not confirmed', () => {
    expect(
      decideDelivery(entry({ dispatchStatus: 'failed', dispatchReason: 'smtp:550', attemptState: 'failed' })),
    ).toEqual({ kind: 'dead-letter', reason: 'smtp:550' });
    expect(
      decideDelivery(entry({ dispatchStatus: 'failed', attemptState: 'abandoned', attemptError: 'unknown_outcome' })),
    ).toEqual({ kind: 'dead-letter', reason: 'unknown_outcome' });
  });

  it('suppresses when the customer withdrew consent after queueing', () => {
    expect(decideDelivery(entry({ consent: false }))).toEqual({ kind: 'suppress' });
  });
});
