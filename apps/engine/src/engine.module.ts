import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BeckonConfig, ConfigModule } from '@beckon/config';
import { KafkaModule } from '@beckon/kafka';
import { HealthController, HealthModule, MetricsController, MetricsModule } from '@beckon/observability';
import { PersistenceModule } from '@beckon/persistence';
import { CareWebhookModule } from './care-webhook/care-webhook.module';
import { DispatchCountsModule } from './dispatch-counts/dispatch-counts.module';
import { EngagementModule } from './engagement/engagement.module';
import { FiringModule } from './firing/firing.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { StorefrontEventsConsumer } from './ingestion/storefront-events.consumer';
import { MomentsModule } from './moments/moments.module';
import { RestockModule } from './restock/restock.module';

/** The engine: storefront events in, customer state and trigger decisions in PostgreSQL, dispatches out. */
@Module({})
export class EngineModule {
  static forRoot(config?: BeckonConfig): DynamicModule {
    return {
      module: EngineModule,
      imports: [
        ConfigModule.forRoot(config),
        ScheduleModule.forRoot(),
        PersistenceModule.forRoot(),
        KafkaModule.forRoot(),
        MetricsModule.forRoot('engine'),
        HealthModule.forRoot({ consumer: StorefrontEventsConsumer }),
        IngestionModule,
        MomentsModule,
        FiringModule,
        RestockModule,
        DispatchCountsModule,
        CareWebhookModule,
        EngagementModule,
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
