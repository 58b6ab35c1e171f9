import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { RestockFanoutWorker } from './restock-fanout.worker';

/** Fan-out of restocked products to everyone waiting for them. */
@Module({
  imports: [RulesModule],
  providers: [RestockFanoutWorker],
  exports: [RestockFanoutWorker],
})
export class RestockModule {}
