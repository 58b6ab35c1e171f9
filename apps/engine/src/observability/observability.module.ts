import { Module } from '@nestjs/common';
import { DecisionLog } from './decision-log';
import { EngineMetrics } from './engine-metrics';
import { TimerBacklog } from './timer-backlog';

/** The engine's metrics and decision log lines; the registry itself comes from MetricsModule. */
@Module({
  providers: [EngineMetrics, DecisionLog, TimerBacklog],
  exports: [EngineMetrics, DecisionLog],
})
export class EngineObservabilityModule {}
