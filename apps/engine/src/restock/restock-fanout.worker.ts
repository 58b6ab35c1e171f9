import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { firstStepDelayMs } from '@beckon/rules';
import { RuleCache } from '../rules/rule-cache';
import { restockCorrelationId, RestockFanoutRepository } from './restock-fanout.repository';
import { PollingLoop } from '../scheduling/polling-loop';

/** Requests notified per transaction: large waiting lists go out in steps, never holding a lock for long. */
export const FANOUT_BATCH = 1000;

type BatchResult = 'idle' | 'advanced';

/**
 * Fans restocks out to their waiting lists off the consumer's path: ingestion only marks the product
 * restocked; this worker schedules the notifications a batch at a time, checking the stock before
 * each batch, so a product that sells out again mid-way stops the rest (they keep waiting).
 */
@Injectable()
export class RestockFanoutWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly fanouts: RestockFanoutRepository,
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
  fanOutOnce(): Promise<BatchResult> {
    return this.dataSource.transaction((tx) => this.fanOutBatch(tx));
  }

  private async drain(): Promise<void> {
    let result: BatchResult = 'advanced';
    while (!this.loop.isStopped && result !== 'idle') result = await this.fanOutOnce();
  }

  private async fanOutBatch(tx: EntityManager): Promise<BatchResult> {
    const job = await this.fanouts.claim(tx);
    if (job === null) return 'idle';
    if ((await this.fanouts.stockOf(tx, job.productId)) <= 0) {
      await this.fanouts.advance(tx, job.productId, { scheduled: 0, status: 'sold_out' });
      return 'advanced';
    }
    const rules = (await this.rules.enabledFor('back_in_stock', tx)).map((rule) => ({
      id: rule.id,
      firstDelayMs: firstStepDelayMs(rule),
    }));
    const waiting = rules.length === 0 ? [] : await this.fanouts.waiting(tx, job, FANOUT_BATCH);
    const correlationId = restockCorrelationId(job);
    await this.fanouts.scheduleNotifications(tx, waiting, rules, new Date(), () => correlationId);
    await this.fanouts.advance(tx, job.productId, {
      cursor: waiting.at(-1)?.requestId,
      scheduled: waiting.length,
      status: waiting.length < FANOUT_BATCH ? 'done' : 'running',
    });
    return 'advanced';
  }
}
