import { Module } from '@nestjs/common';
import { EngineObservabilityModule } from '../observability/observability.module';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

/** Messages written with their decision and relayed to Kafka after commit: the last stage before delivery. */
@Module({
  imports: [EngineObservabilityModule],
  providers: [OutboxRepository, OutboxRelay],
  exports: [OutboxRepository, OutboxRelay],
})
export class OutboxModule {}
