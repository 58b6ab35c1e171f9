import { Module } from '@nestjs/common';
import { EngagementConsumer } from './engagement.consumer';
import { EngagementRepository } from './engagement.repository';

/** Opens and clicks from the engagement topic onto their dispatches. */
@Module({ providers: [EngagementConsumer, EngagementRepository] })
export class EngagementModule {}
