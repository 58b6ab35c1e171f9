import { Inject, Injectable, Optional, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { PostgresHealthIndicator } from './postgres-health.indicator';

type CheckState = 'up' | 'down';

/** GET /health of every service: 200 with status ok, or 503 with status error and the check that failed. */
export interface HealthReport {
  status: 'ok' | 'error';
  checks: { postgres: CheckState; kafka: CheckState };
}

/** Something that consumes a topic and knows whether it has joined its consumer group. */
export interface ConsumerReadiness {
  readonly isReady: boolean;
}

/** The application's consumer class, looked up when asked: it lives in a module this one does not import. */
export const HEALTH_CONSUMER = Symbol('HEALTH_CONSUMER');

@Injectable()
export class HealthService {
  constructor(
    private readonly postgres: PostgresHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly modules: ModuleRef,
    @Optional() @Inject(HEALTH_CONSUMER) private readonly consumerType?: Type<ConsumerReadiness>,
  ) {}

  /**
   * Kafka is up when a broker answers and, in a service that consumes, its consumer has joined its
   * group: until then the service takes no work, so a load balancer or `npm start` must not count it ready.
   */
  async report(): Promise<HealthReport> {
    const [postgres, broker] = await Promise.all([this.postgres.isUp(), this.kafka.isUp()]);
    const kafka = broker && this.consumerJoined();
    return {
      status: postgres && kafka ? 'ok' : 'error',
      checks: { postgres: postgres ? 'up' : 'down', kafka: kafka ? 'up' : 'down' },
    };
  }

  private consumerJoined(): boolean {
    if (this.consumerType === undefined) return true;
    return this.modules.get(this.consumerType, { strict: false }).isReady;
  }
}
