import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { PostgresHealthIndicator } from './postgres-health.indicator';

@Module({
  controllers: [HealthController],
  providers: [KafkaHealthIndicator, PostgresHealthIndicator],
})
export class HealthModule {}
