import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { PollingLoop } from '../scheduling/polling-loop';
import { EngineMetrics } from './engine-metrics';

/**
 * Refreshes the timer backlog gauges every TIMER_BACKLOG_REFRESH_MS rather than on each scrape: one
 * index-only scan of the partial index dispatches_due (pending rows only, due_at in the key), which
 * grows with the pending steps, so it runs on a clock of its own however often Prometheus asks.
 * Every engine instance reports the same database-wide numbers: aggregate them with max, not sum.
 */
@Injectable()
export class TimerBacklog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly metrics: EngineMetrics,
    scheduler: SchedulerRegistry,
  ) {
    this.loop = new PollingLoop('timer-backlog', scheduler, () => this.refresh());
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.TIMER_BACKLOG_REFRESH_MS);
    void this.loop.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async refresh(now = new Date()): Promise<void> {
    const [row]: Array<{ due: number; pending: number }> = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE due_at <= $1)::int AS due, count(*)::int AS pending
       FROM dispatches WHERE status IN ('scheduled', 'deferred')`,
      [now.toISOString()],
    );
    this.metrics.timersDue.set(row.due);
    this.metrics.timersPending.set(row.pending);
  }
}
