import { FactoryProvider } from '@nestjs/common';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { TriggerPorts } from '@beckon/triggers';
import { CapSettingsRepository } from '../capping/cap-settings.repository';
import { StockRequestRepository } from '../catalog/stock-request.repository';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { RestockFanoutRepository } from '../restock/restock-fanout.repository';
import { RuleCache } from '../rules/rule-cache';

export const TRIGGER_PORTS = Symbol('TRIGGER_PORTS');

/** The engine's side of the trigger definitions: the repositories they write through. */
export const triggerPortsProvider: FactoryProvider<TriggerPorts> = {
  provide: TRIGGER_PORTS,
  inject: [
    BECKON_CONFIG,
    RuleCache,
    DispatchRepository,
    RestockFanoutRepository,
    StockRequestRepository,
    CapSettingsRepository,
  ],
  useFactory: (
    config: BeckonConfig,
    rules: RuleCache,
    dispatches: DispatchRepository,
    fanouts: RestockFanoutRepository,
    requests: StockRequestRepository,
    capSettings: CapSettingsRepository,
  ): TriggerPorts => ({
    enabledRules: (tx, trigger) => rules.enabledFor(trigger, tx),
    sequences: dispatches,
    restock: {
      start: (tx, productIds) => fanouts.start(tx, productIds),
      scheduleNotifications: (tx, requests, forRules, now, correlationOf) =>
        fanouts.scheduleNotifications(tx, requests, forRules, now, correlationOf),
      markNotified: (tx, requestIds) => requests.markNotified(tx, requestIds),
    },
    defaultTimezone: async (tx) => (await capSettings.load(tx)).defaultTimezone,
    scanIntervalMs: config.SCAN_INTERVAL_MS,
  }),
};
