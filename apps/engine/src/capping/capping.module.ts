import { Module } from '@nestjs/common';
import { CapLedgerRepository } from './cap-ledger.repository';
import { CapSettingsRepository } from './cap-settings.repository';
import { CappingService } from './capping.service';

/** Frequency caps and quiet hours: whether and when a due step may go out, atomically per customer. */
@Module({
  providers: [CapLedgerRepository, CapSettingsRepository, CappingService],
  exports: [CappingService, CapSettingsRepository],
})
export class CappingModule {}
