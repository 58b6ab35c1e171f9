export { HealthController } from './health/health.controller';
export { HealthModule } from './health/health.module';
export type { HealthOptions } from './health/health.module';
export { HealthService } from './health/health.service';
export type { ConsumerReadiness, HealthReport, StalledPartitionReport } from './health/health.service';
export { plainLine, toLogEntry } from './logging/log-entry';
export { loggerFor, ServiceLogger, withCorrelation } from './logging/service-logger';
export type {
  LogDestination,
  LogFormat,
  LogLevelName,
  ServiceAppOptions,
  ServiceLoggerOptions,
} from './logging/service-logger';
export { ConsumerLagGauge, lagAfter } from './metrics/consumer-lag';
export { MetricsController, PROMETHEUS_CONTENT_TYPE } from './metrics/metrics.controller';
export { createRegistry, MetricsModule } from './metrics/metrics.module';
export { CounterTally } from './metrics/counter-tally';
export { reasonClass } from './metrics/reason-class';
