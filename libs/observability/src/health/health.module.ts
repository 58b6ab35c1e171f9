import { DynamicModule, Module, Type } from '@nestjs/common';
import { ConsumerReadiness, HEALTH_CONSUMER, HealthService } from './health.service';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { PostgresHealthIndicator } from './postgres-health.indicator';

export interface HealthOptions {
  /** The service's consumer (engine, delivery): Kafka counts as up only once it has joined its group. */
  consumer?: Type<ConsumerReadiness>;
}

/** Readiness of PostgreSQL and Kafka as HealthService; needs PersistenceModule and KafkaModule in the application. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      providers: [
        KafkaHealthIndicator,
        PostgresHealthIndicator,
        HealthService,
        ...(options.consumer ? [{ provide: HEALTH_CONSUMER, useValue: options.consumer }] : []),
      ],
      exports: [HealthService],
    };
  }
}
