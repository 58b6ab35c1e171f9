import { Module } from '@nestjs/common';
import { HealthModule as ReadinessModule } from '@beckon/observability';
import { HealthController } from './health.controller';

@Module({
  imports: [ReadinessModule.forRoot()],
  controllers: [HealthController],
})
export class HealthModule {}
