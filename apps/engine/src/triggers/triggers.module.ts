import { Module } from '@nestjs/common';
import { CappingModule } from '../capping/capping.module';
import { CatalogModule } from '../catalog/catalog.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { RestockModule } from '../restock/restock.module';
import { RulesModule } from '../rules/rules.module';
import { TriggerFactsHandler } from './trigger-facts.handler';
import { TRIGGER_PORTS, triggerPortsProvider } from './trigger-ports';

/**
 * The trigger definitions (libs/triggers) wired into the engine: their ports, and the handler that
 * hands them each ingestion batch's facts. The firing loop and the moment scanner use the ports too.
 */
@Module({
  imports: [DispatchModule, RulesModule, CappingModule, CatalogModule, RestockModule],
  providers: [triggerPortsProvider, TriggerFactsHandler],
  exports: [TriggerFactsHandler, TRIGGER_PORTS],
})
export class TriggersModule {}
