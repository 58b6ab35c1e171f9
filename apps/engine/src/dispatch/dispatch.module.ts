import { Module } from '@nestjs/common';
import { DispatchRepository } from './dispatch.repository';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';
import { RecipientRepository } from './recipient.repository';

@Module({
  providers: [DispatchRepository, OutboxRepository, OutboxRelay, RecipientRepository],
  exports: [DispatchRepository, OutboxRepository, OutboxRelay, RecipientRepository],
})
export class DispatchModule {}
