import { Module } from '@nestjs/common';
import { EngagementRecorder } from './engagement-recorder';
import { TrackingController } from './tracking.controller';

/** GET /c/{token} and GET /o/{token}: clicks and opens, handed to the engine through Kafka. */
@Module({ controllers: [TrackingController], providers: [EngagementRecorder] })
export class EngagementModule {}
