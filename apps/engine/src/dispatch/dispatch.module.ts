import { Module } from '@nestjs/common';
import { DispatchRepository } from './dispatch.repository';

/** The dispatch log: every step's decision, and the timer store of the pending ones. */
@Module({
  providers: [DispatchRepository],
  exports: [DispatchRepository],
})
export class DispatchModule {}
