import { FactoryProvider } from '@nestjs/common';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { createSurveyToken, surveyUrl } from '@beckon/consent';
import { TriggerPorts } from '@beckon/triggers';
import { CapSettingsRepository } from '../capping/cap-settings.repository';
import { StockRequestRepository } from '../catalog/stock-request.repository';
import { DispatchRepository } from '../dispatch/dispatch.repository';

export const TRIGGER_PORTS = Symbol('TRIGGER_PORTS');

/** The engine's side of the trigger definitions: the repositories they write through. */
export const triggerPortsProvider: FactoryProvider<TriggerPorts> = {
  provide: TRIGGER_PORTS,
  inject: [BECKON_CONFIG, DispatchRepository, StockRequestRepository, CapSettingsRepository],
  useFactory: (
    config: BeckonConfig,
    dispatches: DispatchRepository,
    requests: StockRequestRepository,
    capSettings: CapSettingsRepository,
  ): TriggerPorts => ({
    sequences: dispatches,
    stockRequests: requests,
    defaultTimezone: async (tx) => (await capSettings.load(tx)).defaultTimezone,
    scanIntervalMs: config.SCAN_INTERVAL_MS,
    // The unsubscribe secret, under the survey's own purpose (libs/consent/src/survey-token.ts).
    surveyUrl: (claim, score) =>
      surveyUrl(config.PUBLIC_BASE_URL, createSurveyToken(claim, config.UNSUBSCRIBE_SECRET ?? ''), score),
  }),
};
