import { Module } from '@nestjs/common';
import { CappingModule } from '../capping/capping.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { RulesModule } from '../rules/rules.module';
import { AbandonedCartTrigger } from './abandoned-cart.trigger';
import { DueStepWorker } from './due-step.worker';
import { OCCASION_RESOLVERS, OccasionResolver } from './occasion-resolver';
import { TriggerFactsHandler } from './trigger-facts.handler';

@Module({
  imports: [DispatchModule, RulesModule, CappingModule],
  providers: [
    AbandonedCartTrigger,
    TriggerFactsHandler,
    DueStepWorker,
    {
      provide: OCCASION_RESOLVERS,
      inject: [AbandonedCartTrigger],
      useFactory: (...resolvers: OccasionResolver[]) => resolvers,
    },
  ],
  exports: [TriggerFactsHandler, DueStepWorker],
})
export class TriggersModule {}
