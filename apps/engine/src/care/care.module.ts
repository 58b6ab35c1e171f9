import { Module } from '@nestjs/common';
import { CappingModule } from '../capping/capping.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { RulesModule } from '../rules/rules.module';
import { CareSignalsRepository } from './care-signals.repository';
import { CareWindow } from './care-window';

/** Care signals and the care window they open: an unhappy customer is not sold to (CONTRACT §8). */
@Module({
  imports: [CappingModule, DispatchModule, RulesModule],
  providers: [CareSignalsRepository, CareWindow],
  exports: [CareWindow],
})
export class CareModule {}
