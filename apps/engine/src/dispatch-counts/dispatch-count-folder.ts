import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { PollingLoop } from '../scheduling/polling-loop';

/** Arbitrary but fixed: one folder at a time across engine instances, so counters are never updated in two orders. */
const FOLD_LOCK = 7_421_017;

const KEY = 'rule_id, step, channel, status, reason';

/**
 * Folds the dispatch count deltas the triggers on `dispatches` append into the hourly and daily
 * counters the stats read. One statement: the deltas it deletes are exactly the ones it adds, and a
 * reader sees either both or neither. New counters go in in time order, so a range's counters sit
 * together on disk.
 */
@Injectable()
export class DispatchCountFolder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    scheduler: SchedulerRegistry,
  ) {
    this.loop = new PollingLoop('dispatch-count-fold', scheduler, () => this.fold());
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.STATS_FOLD_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  /** Returns how many delta rows were folded (0 when another instance holds the fold). */
  fold(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [FOLD_LOCK]);
      if (!locked) return 0;
      const [{ folded }] = await tx.query(
        `WITH moved AS (DELETE FROM dispatch_count_deltas RETURNING *),
         hourly AS (
           INSERT INTO dispatch_counts_hourly AS c (hour, ${KEY}, n)
           SELECT hour, ${KEY}, sum(n) FROM moved GROUP BY hour, ${KEY} ORDER BY hour
           ON CONFLICT (hour, ${KEY}) DO UPDATE SET n = c.n + EXCLUDED.n
         ),
         daily AS (
           INSERT INTO dispatch_counts_daily AS c (day, ${KEY}, n)
           SELECT date_trunc('day', hour, 'UTC'), ${KEY}, sum(n) FROM moved GROUP BY 1, ${KEY} ORDER BY 1
           ON CONFLICT (day, ${KEY}) DO UPDATE SET n = c.n + EXCLUDED.n
         )
         SELECT count(*)::int AS folded FROM moved`,
      );
      return folded as number;
    });
  }
}
