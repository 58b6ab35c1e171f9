import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../common/http-types';
import { Public } from '../auth/public.decorator';
import { htmlPage, pageHeaders } from '../common/shopper-page';
import { confirmPage, invalidLinkPage, unsubscribedPage } from './unsubscribe-pages';
import { UnsubscribeService } from './unsubscribe.service';

@Public()
@ApiTags('unsubscribe')
@Controller('u')
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':token')
  @pageHeaders()
  @ApiOperation({ summary: 'Unsubscribe confirmation page (public, changes nothing)' })
  @ApiOkResponse(htmlPage('what will be unsubscribed, with a button that POSTs to the same URL'))
  @ApiResponse({ status: 400, ...htmlPage('the link was forged or mangled') })
  @ApiResponse({ status: 503, description: 'UNSUBSCRIBE_SECRET is not configured' })
  page(@Param('token') token: string, @Res({ passthrough: true }) response: HttpResponse): string {
    const claim = this.unsubscribes.claimOf(token);
    if (claim === null) return this.invalid(response);
    return confirmPage(claim.channel);
  }

  /**
   * RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` (form-encoded) with no
   * session. The body carries nothing we need, so it is accepted in any form, or none.
   */
  @Post(':token')
  @HttpCode(200)
  @pageHeaders()
  @ApiOperation({
    summary: 'RFC 8058 one-click unsubscribe (public)',
    description: 'Body `List-Unsubscribe=One-Click` (form-encoded) or empty.',
  })
  @ApiOkResponse(htmlPage('unsubscribed; consent withdrawn, and running sequences ended once no channel is left'))
  @ApiResponse({ status: 400, ...htmlPage('the link was forged or mangled') })
  @ApiResponse({ status: 503, description: 'UNSUBSCRIBE_SECRET is not configured' })
  async unsubscribe(
    @Param('token') token: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    const claim = this.unsubscribes.claimOf(token);
    if (claim === null) return this.invalid(response);
    await this.unsubscribes.unsubscribe(claim);
    return unsubscribedPage(claim.channel);
  }

  private invalid(response: HttpResponse): string {
    response.status(400);
    return invalidLinkPage();
  }
}
