import { Module } from '@nestjs/common';
import { CareModule } from '../care/care.module';
import { EngineObservabilityModule } from '../observability/observability.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { TriggersModule } from '../triggers/triggers.module';
import { StorefrontEventsConsumer } from './storefront-events.consumer';

@Module({
  imports: [ProfilesModule, TriggersModule, CareModule, EngineObservabilityModule],
  providers: [StorefrontEventsConsumer],
  exports: [StorefrontEventsConsumer],
})
export class IngestionModule {}
