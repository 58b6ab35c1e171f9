import { Module } from '@nestjs/common';
import { EngineObservabilityModule } from '../observability/observability.module';
import { DispatchRepository } from './dispatch.repository';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

@Module({
  imports: [EngineObservabilityModule],
  providers: [DispatchRepository, OutboxRepository, OutboxRelay],
  exports: [DispatchRepository, OutboxRepository, OutboxRelay],
})
export class DispatchModule {}
