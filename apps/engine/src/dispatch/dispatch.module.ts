import { Module } from '@nestjs/common';
import { DispatchRepository } from './dispatch.repository';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

@Module({
  providers: [DispatchRepository, OutboxRepository, OutboxRelay],
  exports: [DispatchRepository, OutboxRepository, OutboxRelay],
})
export class DispatchModule {}
