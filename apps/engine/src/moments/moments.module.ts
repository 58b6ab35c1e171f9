import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { TriggersModule } from '../triggers/triggers.module';
import { MomentScanner } from './moment-scanner';
import { ScanCursorRepository } from './scan-cursor.repository';

/** Time-based moments, found by the indexed, incremental scans of the trigger definitions that have one. */
@Module({
  imports: [RulesModule, TriggersModule],
  providers: [ScanCursorRepository, MomentScanner],
  exports: [MomentScanner],
})
export class MomentsModule {}
