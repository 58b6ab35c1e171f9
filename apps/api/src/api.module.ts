import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { BeckonConfig, ConfigModule } from '@beckon/config';
import { KafkaModule } from '@beckon/kafka';
import { PersistenceModule } from '@beckon/persistence';
import { AuthModule } from './auth/auth.module';
import { CapsModule } from './caps/caps.module';
import { CorrelationModule } from './correlation/correlation.module';
import { CustomersModule } from './customers/customers.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DispatchesModule } from './dispatches/dispatches.module';
import { EngagementModule } from './engagement/engagement.module';
import { HttpErrorFilter } from './errors/http-error.filter';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RulesModule } from './rules/rules.module';
import { SdkModule } from './sdk/sdk.module';
import { SurveyModule } from './survey/survey.module';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module';

@Module({})
export class ApiModule {
  static forRoot(config: BeckonConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(),
        KafkaModule.forRoot(),
        CorrelationModule,
        AuthModule,
        MetricsModule,
        HealthModule,
        RulesModule,
        CapsModule,
        DispatchesModule,
        CustomersModule,
        EventsModule,
        UnsubscribeModule,
        SurveyModule,
        EngagementModule,
        DashboardModule,
        SdkModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
