import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { SurveyController } from './survey.controller';
import { SurveyService } from './survey.service';

@Module({
  imports: [EventsModule],
  controllers: [SurveyController],
  providers: [SurveyService],
})
export class SurveyModule {}
