import type { BeckonConfig } from '@beckon/config';

/** How a BatchConsumer keeps its group membership, backs off a failing batch and decides it is stalled. */
export interface ConsumerSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  stallMs: number;
}

/** The defaults of the CONSUMER_* variables (libs/config), for consumers built without a configuration. */
export const DEFAULT_CONSUMER_SETTINGS: ConsumerSettings = {
  sessionTimeoutMs: 8_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
  retryInitialMs: 300,
  retryMaxMs: 4_000,
  stallMs: 60_000,
};

export function consumerSettings(config: BeckonConfig): ConsumerSettings {
  return {
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: config.CONSUMER_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeoutMs: config.CONSUMER_REBALANCE_TIMEOUT_MS,
    retryInitialMs: config.CONSUMER_RETRY_INITIAL_MS,
    retryMaxMs: config.CONSUMER_RETRY_MAX_MS,
    stallMs: config.CONSUMER_STALL_MS,
  };
}
