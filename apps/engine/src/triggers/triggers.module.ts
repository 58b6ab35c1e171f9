import { Module } from '@nestjs/common';
import { CappingModule } from '../capping/capping.module';
import { CatalogModule } from '../catalog/catalog.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { EngineObservabilityModule } from '../observability/observability.module';
import { RestockModule } from '../restock/restock.module';
import { RulesModule } from '../rules/rules.module';
import { AbandonedCartTrigger } from './abandoned-cart.trigger';
import { BackInStockTrigger } from './back-in-stock.trigger';
import { BirthdayTrigger } from './birthday.trigger';
import { ConsumableReorderTrigger } from './consumable-reorder.trigger';
import { DueStepWorker } from './due-step.worker';
import { OCCASION_RESOLVERS, OccasionResolver } from './occasion-resolver';
import { SleepingCustomerTrigger } from './sleeping-customer.trigger';
import { TriggerFactsHandler } from './trigger-facts.handler';

const TRIGGERS = [
  AbandonedCartTrigger,
  SleepingCustomerTrigger,
  BackInStockTrigger,
  ConsumableReorderTrigger,
  BirthdayTrigger,
];

@Module({
  imports: [DispatchModule, RulesModule, CappingModule, CatalogModule, RestockModule, EngineObservabilityModule],
  providers: [
    ...TRIGGERS,
    TriggerFactsHandler,
    DueStepWorker,
    {
      provide: OCCASION_RESOLVERS,
      inject: TRIGGERS,
      useFactory: (...resolvers: OccasionResolver[]) => resolvers,
    },
  ],
  exports: [TriggerFactsHandler, DueStepWorker],
})
export class TriggersModule {}
