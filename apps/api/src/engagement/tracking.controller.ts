import {
  applyDecorators,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { verifyClickToken, verifyOpenToken } from '@beckon/consent';
import { Public } from '../auth/public.decorator';
import type { HttpResponse } from '../common/http-types';
import { EngagementRecorder } from './engagement-recorder';

/** The smallest transparent GIF: 1×1, one colour. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const FORGED = { status: 404, description: 'the token was forged, mangled or made for another link: nothing recorded' };
const NOT_CONFIGURED = { status: 503, description: 'UNSUBSCRIBE_SECRET (which signs message links) is not configured' };
const LINK_ERRORS = applyDecorators(ApiResponse(FORGED), ApiResponse(NOT_CONFIGURED));

/**
 * Tracked links and the open pixel of messages (CONTRACT §6): public, signed per message and target,
 * so the redirect goes only where the message linked. Every answer is uncached: each click counts.
 */
@Public()
@ApiTags('engagement')
@Controller()
export class TrackingController {
  constructor(
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly recorder: EngagementRecorder,
  ) {}

  @Get('c/:token')
  @ApiOperation({
    summary: 'Follow a tracked link (public, signed per message and target)',
    description: 'Records the click on its dispatch and redirects to the address the message linked to.',
  })
  @ApiResponse({ status: 302, description: 'to the original address; the click is recorded' })
  @LINK_ERRORS
  async click(@Param('token') token: string, @Res() response: HttpResponse): Promise<void> {
    const claim = verifyClickToken(token, this.secret());
    if (claim === null) throw new NotFoundException('unknown link');
    await this.recorder.record({ kind: 'click', dispatchId: claim.dispatchId, at: new Date().toISOString() });
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Location', claim.url);
    response.status(302).end();
  }

  @Get('o/:token')
  @ApiOperation({
    summary: 'The open pixel of an email (public, signed per message)',
    description:
      'A 1×1 GIF; records the open on its dispatch. Opens are a weak signal: privacy proxies load every image.',
  })
  @ApiResponse({ status: 200, description: 'image/gif, 1×1 transparent; the open is recorded' })
  @LINK_ERRORS
  async open(@Param('token') token: string, @Res() response: HttpResponse): Promise<void> {
    const dispatchId = verifyOpenToken(token, this.secret());
    if (dispatchId === null) throw new NotFoundException('unknown pixel');
    await this.recorder.record({ kind: 'open', dispatchId, at: new Date().toISOString() });
    response.setHeader('Cache-Control', 'no-store, private');
    response.setHeader('Content-Type', 'image/gif');
    response.setHeader('Content-Length', String(PIXEL.length));
    response.status(200).end(PIXEL);
  }

  private secret(): string {
    const secret = this.config.UNSUBSCRIBE_SECRET;
    if (secret === undefined || secret === '')
      throw new ServiceUnavailableException('message links are not configured');
    return secret;
  }
}
