import { Module } from '@nestjs/common';
import { DispatchLogService } from './dispatch-log.service';
import { DispatchStatsService } from './dispatch-stats.service';
import { DispatchesController } from './dispatches.controller';

@Module({
  controllers: [DispatchesController],
  providers: [DispatchLogService, DispatchStatsService],
})
export class DispatchesModule {}
