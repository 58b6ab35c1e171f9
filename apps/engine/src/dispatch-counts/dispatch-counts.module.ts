import { Module } from '@nestjs/common';
import { DispatchCountFolder } from './dispatch-count-folder';

/** The hourly and daily dispatch counters behind GET /v1/dispatches/stats, kept current from the triggers' deltas. */
@Module({ providers: [DispatchCountFolder], exports: [DispatchCountFolder] })
export class DispatchCountsModule {}
