import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { RestockFanoutRepository } from './restock-fanout.repository';
import { RestockFanoutWorker } from './restock-fanout.worker';

/** Fan-out of restocked products to everyone waiting for them. */
@Module({
  imports: [RulesModule],
  providers: [RestockFanoutRepository, RestockFanoutWorker],
  exports: [RestockFanoutRepository, RestockFanoutWorker],
})
export class RestockModule {}
