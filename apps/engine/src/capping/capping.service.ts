import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { loadCustomerCare } from '@beckon/persistence';
import { capHistoryHorizon } from '@beckon/rules';
import { CapGate } from './cap-gate';
import { CapLedgerRepository } from './cap-ledger.repository';
import { CapSettingsRepository } from './cap-settings.repository';

/** Opens the caps and the care window for a batch: everything that reads the database happens here, the deciding in CapGate. */
@Injectable()
export class CappingService {
  constructor(
    private readonly settings: CapSettingsRepository,
    private readonly ledger: CapLedgerRepository,
  ) {}

  /**
   * Locks the customers' cap ledger rows for the rest of `tx`, then reads their history and who of
   * them is in care (skipped when the care window is off). The caller
   * must write its decisions in the same transaction: the lock is what makes them atomic.
   */
  async open(tx: EntityManager, customerIds: readonly string[]): Promise<CapGate> {
    const settings = await this.settings.load(tx);
    await this.ledger.lock(tx, customerIds);
    // The moment of decision is after the lock: whatever another engine decided meanwhile is history now.
    const now = new Date();
    const history =
      settings.rules.length === 0
        ? new Map()
        : await this.ledger.history(tx, customerIds, capHistoryHorizon(settings.rules, now));
    const care = settings.care.signals.length === 0 ? new Map() : await loadCustomerCare(tx, customerIds, now);
    return new CapGate(settings, history, now, care);
  }
}
