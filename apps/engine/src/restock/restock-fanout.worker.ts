import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { firstStepDelayMs } from '@beckon/rules';
import { fanOutBatch } from '@beckon/triggers';
import { RuleCache } from '../rules/rule-cache';
import { PollingLoop } from '../scheduling/polling-loop';

/**
 * Drives the back-in-stock fan-out (libs/triggers back-in-stock/restock-fanout.ts) off the
 * consumer's path: ingestion only marks the product restocked; this worker schedules the
 * notifications a batch per transaction until no fan-out is running.
 */
@Injectable()
export class RestockFanoutWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly rules: RuleCache,
    scheduler: SchedulerRegistry,
  ) {
    this.loop = new PollingLoop('restock-fanout', scheduler, () => this.drain());
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.RESTOCK_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  /** One batch of one product's waiting list, in its own transaction. */
  fanOutOnce(): Promise<'idle' | 'advanced'> {
    return this.dataSource.transaction(async (tx) => {
      const rules = (await this.rules.enabledFor('back_in_stock', tx)).map((rule) => ({
        id: rule.id,
        firstDelayMs: firstStepDelayMs(rule),
      }));
      return fanOutBatch(tx, rules, new Date());
    });
  }

  private async drain(): Promise<void> {
    let result: 'idle' | 'advanced' = 'advanced';
    while (!this.loop.isStopped && result !== 'idle') result = await this.fanOutOnce();
  }
}
