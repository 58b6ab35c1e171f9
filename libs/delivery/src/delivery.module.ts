import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { HealthController, HealthModule, MetricsController } from '@beckon/observability';
import { DeliveryChannel, DispatchRef } from './delivery-batch';
import { DELIVERY_CHANNEL, DeliveryConsumer } from './delivery-consumer';

export interface DeliveryModuleOptions<M extends DispatchRef> {
  /** The application's channel (parse + deliver); may inject whatever `imports` and `providers` offer. */
  channel: Type<DeliveryChannel<M>>;
  imports?: ModuleMetadata['imports'];
  providers?: Provider[];
}

/**
 * The part every delivery application shares: the dispatch consumer behind the ledger, GET /health
 * and GET /metrics. Needs ConfigModule, KafkaModule, PersistenceModule and MetricsModule in the application.
 */
@Module({})
export class DeliveryModule {
  static forChannel<M extends DispatchRef>(options: DeliveryModuleOptions<M>): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [...(options.imports ?? []), HealthModule.forRoot({ consumer: DeliveryConsumer })],
      providers: [
        ...(options.providers ?? []),
        options.channel,
        { provide: DELIVERY_CHANNEL, useExisting: options.channel },
        DeliveryConsumer,
      ],
      controllers: [HealthController, MetricsController],
      exports: [DeliveryConsumer],
    };
  }
}
