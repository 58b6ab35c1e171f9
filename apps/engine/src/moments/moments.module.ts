import { Module } from '@nestjs/common';
import { CappingModule } from '../capping/capping.module';
import { RulesModule } from '../rules/rules.module';
import { BirthdayScan } from './birthday.scan';
import { MomentScanner } from './moment-scanner';
import { ReorderScan } from './reorder.scan';
import { ScanCursorRepository } from './scan-cursor.repository';
import { SleepScan } from './sleep.scan';

/** Time-based moments (sleep, birthday, reorder) found by indexed, incremental scans. */
@Module({
  imports: [RulesModule, CappingModule],
  providers: [ScanCursorRepository, SleepScan, BirthdayScan, ReorderScan, MomentScanner],
  exports: [MomentScanner],
})
export class MomentsModule {}
