import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { MetricsModule as RegistryModule } from '@beckon/observability';
import { HttpMetricsMiddleware } from './http-metrics';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [RegistryModule.forRoot('api')],
  controllers: [MetricsController],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
