import { Inject, Injectable, Optional, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Gauge, Registry } from 'prom-client';
import type { PartitionStall } from '@beckon/kafka';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { PostgresHealthIndicator } from './postgres-health.indicator';

type CheckState = 'up' | 'down';

/** A stalled partition as /health names it. */
export interface StalledPartitionReport {
  topic: string;
  partition: number;
  stalledForMs: number;
  failures: number;
  lastError: string | null;
  lastSuccessAt: string | null;
}

/** GET /health of every service: 200 with status ok, or 503 with status error and the check that failed. */
export interface HealthReport {
  status: 'ok' | 'error';
  checks: { postgres: CheckState; kafka: CheckState };
  /** Present when the consumer has stalled on some partition (kafka is then down): which, for how long, the handler's last error. */
  stalled?: StalledPartitionReport[];
}

/** Something that consumes a topic and knows whether it has joined its consumer group. */
export interface ConsumerReadiness {
  readonly isReady: boolean;
  /** Its consumer group, labelling beckon_kafka_stalled_partitions. */
  readonly groupId?: string;
  /** Partitions with waiting messages it has not got past for longer than CONSUMER_STALL_MS. */
  stalledPartitions?(): PartitionStall[];
}

/** The application's consumer class, looked up when asked: it lives in a module this one does not import. */
export const HEALTH_CONSUMER = Symbol('HEALTH_CONSUMER');

function reportOf(stall: PartitionStall): StalledPartitionReport {
  return { ...stall, lastSuccessAt: stall.lastSuccessAt?.toISOString() ?? null };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly postgres: PostgresHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly modules: ModuleRef,
    @Optional() @Inject(HEALTH_CONSUMER) private readonly consumerType?: Type<ConsumerReadiness>,
    @Optional() registry?: Registry,
  ) {
    if (registry !== undefined && consumerType !== undefined) this.registerStallGauge(registry);
  }

  /**
   * Kafka is up when a broker answers and, in a service that consumes, its consumer has joined its
   * group: until then the service takes no work, so a load balancer or `npm start` must not count it ready.
   * A consumer stuck on a partition (its handler failing or hanging) fails the check too: the service
   * runs, but the partition's customers get nothing.
   */
  async report(): Promise<HealthReport> {
    const [postgres, broker] = await Promise.all([this.postgres.isUp(), this.kafka.isUp()]);
    const stalled = this.stalls();
    const kafka = broker && this.consumerJoined() && stalled.length === 0;
    return {
      status: postgres && kafka ? 'ok' : 'error',
      checks: { postgres: postgres ? 'up' : 'down', kafka: kafka ? 'up' : 'down' },
      ...(stalled.length > 0 ? { stalled: stalled.map(reportOf) } : {}),
    };
  }

  private consumer(): ConsumerReadiness | undefined {
    return this.consumerType && this.modules.get(this.consumerType, { strict: false });
  }

  private consumerJoined(): boolean {
    return this.consumer()?.isReady ?? true;
  }

  private stalls(): PartitionStall[] {
    return this.consumer()?.stalledPartitions?.() ?? [];
  }

  /** Read at every scrape, so the gauge follows the clock rather than the last batch. */
  private registerStallGauge(registry: Registry): void {
    const stalls = () => this.stalls();
    const group = () => this.consumer()?.groupId ?? 'unknown';
    new Gauge({
      name: 'beckon_kafka_stalled_partitions',
      help: 'Partitions with waiting messages this consumer has not got past for longer than CONSUMER_STALL_MS',
      labelNames: ['group'],
      registers: [registry],
      collect() {
        this.reset();
        this.set({ group: group() }, stalls().length);
      },
    });
  }
}
