import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { DeliveryChannel } from './delivery-batch';
import { DELIVERY_CHANNEL, DeliveryConsumer } from './delivery-consumer';
import { DeliveryHealthController } from './delivery-health.controller';

export interface DeliveryModuleOptions<M extends { dispatchId: string }> {
  /** The application's channel (parse + deliver); may inject whatever `imports` and `providers` offer. */
  channel: Type<DeliveryChannel<M>>;
  imports?: ModuleMetadata['imports'];
  providers?: Provider[];
}

/**
 * The part every delivery application shares: the dispatch consumer behind the ledger and GET /health.
 * Needs ConfigModule, KafkaModule and PersistenceModule in the application.
 */
@Module({})
export class DeliveryModule {
  static forChannel<M extends { dispatchId: string }>(options: DeliveryModuleOptions<M>): DynamicModule {
    return {
      module: DeliveryModule,
      imports: options.imports ?? [],
      providers: [
        ...(options.providers ?? []),
        options.channel,
        { provide: DELIVERY_CHANNEL, useExisting: options.channel },
        DeliveryConsumer,
      ],
      controllers: [DeliveryHealthController],
      exports: [DeliveryConsumer],
    };
  }
}
