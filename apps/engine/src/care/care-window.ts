import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { careFromSignals, careReason, careSignalOf, isCareExempt } from '@beckon/rules';
import { findDefinition, ProjectionFacts } from '@beckon/triggers';
import { CapSettingsRepository } from '../capping/cap-settings.repository';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { RuleCache } from '../rules/rule-cache';
import { CareSignalRecord, CareSignalsRepository, OrderStateChange } from './care-signals.repository';

const ORDER_STATES: Readonly<Record<string, OrderStateChange['state']>> = {
  'Order Refunded': 'refunded',
  'Order Cancelled': 'cancelled',
};

/**
 * The care window's side of an ingestion batch, in the batch's transaction: records the care
 * signals its events raised, puts their customers in care (for the signals the settings name) and
 * ends those customers' running marketing sequences with `care:<signal>`. Runs after the triggers,
 * so it also ends what this batch scheduled. From then on the cap gate holds every marketing step
 * back until the window ends (capping/cap-gate.ts).
 */
@Injectable()
export class CareWindow {
  constructor(
    private readonly signals: CareSignalsRepository,
    private readonly capSettings: CapSettingsRepository,
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
  ) {}

  async handle(tx: EntityManager, facts: ProjectionFacts): Promise<void> {
    const raised: CareSignalRecord[] = [];
    const orderStates: OrderStateChange[] = [];
    for (const { event, customerId } of facts.events) {
      if (event.type !== 'track') continue;
      const at = new Date(event.timestamp);
      const signal = careSignalOf(event);
      if (signal !== null && customerId !== null) raised.push({ id: event.messageId, customerId, at, ...signal });
      const state = ORDER_STATES[event.event];
      if (state !== undefined && signal?.orderId && customerId !== null) {
        orderStates.push({ orderId: signal.orderId, customerId, state, at });
      }
    }
    await this.signals.projectOrderStates(tx, orderStates);
    if (raised.length === 0) return;

    const fresh = await this.signals.record(tx, raised);
    const { care: settings } = await this.capSettings.load(tx);
    const care = careFromSignals(
      raised.filter((s) => fresh.has(s.id)),
      settings,
    );
    const stored = await this.signals.extendCare(tx, care);
    const now = new Date();
    const ends = [...stored].flatMap(([customerId, customerCare]) => {
      const reason = careReason(customerCare, settings, now);
      return reason === null ? [] : [{ customerId, reason }];
    });
    if (ends.length === 0) return;
    const rules = await this.rules.all(tx);
    const keep = [...rules.values()].filter((rule) => isCareExempt(rule, findDefinition(rule.trigger)));
    await this.dispatches.endCustomerSteps(
      tx,
      ends,
      keep.map((rule) => rule.id),
    );
  }
}
