import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpRequest, HttpResponse } from '../common/http-types';
import { Public } from '../auth/public.decorator';
import { htmlPage, pageHeaders } from '../common/shopper-page';
import { parseScore } from './survey-answer';
import { chooseScorePage, thankYouPage, unknownSurveyPage } from './survey-pages';
import { SurveyService } from './survey.service';

const NOT_FOUND = { status: 404, ...htmlPage('the link was forged or mangled; nothing was recorded') };
const BAD_SCORE = {
  status: 400,
  ...htmlPage('the score is not a whole number from 0 to 10; nothing was recorded, the page offers the eleven answers'),
};
const NOT_CONFIGURED = { status: 503, description: 'UNSUBSCRIBE_SECRET (which signs survey links) is not configured' };

/**
 * The links of a post-purchase survey (CONTRACT.md §8): each is signed for one message and records
 * the customer's answer as a `Survey Answered` event; answering again replaces the answer.
 */
@Public()
@ApiTags('survey')
@Controller('s')
export class SurveyController {
  constructor(private readonly surveys: SurveyService) {}

  @Get(':token')
  @pageHeaders()
  @ApiOperation({ summary: 'Answer a survey from its link (public, signed per message)' })
  @ApiQuery({ name: 'score', required: true, schema: { type: 'integer', minimum: 0, maximum: 10 } })
  @ApiOkResponse(htmlPage('recorded (the last answer for a message wins); a thank-you page'))
  @ApiResponse(BAD_SCORE)
  @ApiResponse(NOT_FOUND)
  @ApiResponse(NOT_CONFIGURED)
  answerFromLink(
    @Param('token') token: string,
    @Query('score') score: unknown,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    return this.record(token, score, request, response);
  }

  @Post(':token')
  @HttpCode(200)
  @pageHeaders()
  @ApiOperation({
    summary: 'Answer a survey from a form (public, signed per message)',
    description: 'Body `score=N` (form-encoded), N from 0 to 10.',
  })
  @ApiOkResponse(htmlPage('recorded (the last answer for a message wins); a thank-you page'))
  @ApiResponse(BAD_SCORE)
  @ApiResponse(NOT_FOUND)
  @ApiResponse(NOT_CONFIGURED)
  answerFromForm(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    const score = typeof body === 'object' && body !== null ? (body as { score?: unknown }).score : undefined;
    return this.record(token, score, request, response);
  }

  private async record(token: string, given: unknown, request: HttpRequest, response: HttpResponse): Promise<string> {
    const claim = this.surveys.claimOf(token);
    if (claim === null) {
      response.status(404);
      return unknownSurveyPage();
    }
    const score = parseScore(given);
    if (score === null) {
      response.status(400);
      return chooseScorePage();
    }
    await this.surveys.answer(claim, score, request.correlationId);
    return thankYouPage();
  }
}
