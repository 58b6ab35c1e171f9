import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsPublisher } from './events.publisher';
import { SegmentController } from './segment.controller';

@Module({
  controllers: [EventsController, SegmentController],
  providers: [EventsPublisher],
  // Survey answers take the same path as POST /v1/events.
  exports: [EventsPublisher],
})
export class EventsModule {}
