import { randomUUID } from 'node:crypto';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { SurveyClaim, verifySurveyToken } from '@beckon/consent';
import { prepareEvents } from '../events/event-intake';
import { EventsPublisher } from '../events/events.publisher';
import { surveyAnsweredEvent } from './survey-answer';

@Injectable()
export class SurveyService {
  constructor(
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly publisher: EventsPublisher,
  ) {}

  /** The message a link answers for, or null when it was forged or mangled. */
  claimOf(token: string): SurveyClaim | null {
    const secret = this.config.UNSUBSCRIBE_SECRET;
    // Survey links are signed with the unsubscribe secret (under their own purpose); without it none can be checked.
    if (secret === undefined || secret === '') throw new ServiceUnavailableException('survey links are not configured');
    return verifySurveyToken(token, secret);
  }

  /**
   * Produces the answer as a `Survey Answered` event through the same validation and producer as
   * POST /v1/events. Each answer is its own event; the engine keeps the latest per message.
   */
  async answer(claim: SurveyClaim, score: number, correlationId?: string): Promise<void> {
    const event = surveyAnsweredEvent(claim, score, new Date(), randomUUID());
    await this.publisher.publish(prepareEvents(event), correlationId);
  }
}
