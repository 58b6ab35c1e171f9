import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsPublisher } from './events.publisher';

@Module({
  controllers: [EventsController],
  providers: [EventsPublisher],
  // Survey answers take the same path as POST /v1/events.
  exports: [EventsPublisher],
})
export class EventsModule {}
