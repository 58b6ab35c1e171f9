import { Module } from '@nestjs/common';
import { CappingModule } from '../capping/capping.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { EngineObservabilityModule } from '../observability/observability.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RulesModule } from '../rules/rules.module';
import { TriggersModule } from '../triggers/triggers.module';
import { DueStepWorker } from './due-step.worker';

/** The firing loop: due steps become decisions and outgoing messages (triggers → capping → dispatch → outbox). */
@Module({
  imports: [TriggersModule, RulesModule, CappingModule, DispatchModule, OutboxModule, EngineObservabilityModule],
  providers: [DueStepWorker],
  exports: [DueStepWorker],
})
export class FiringModule {}
