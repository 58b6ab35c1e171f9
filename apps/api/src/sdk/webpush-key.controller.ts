import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { Public } from '../auth/public.decorator';
import type { HttpResponse } from '../common/http-types';
import { ref } from '../openapi/json-schema';

/** Public on purpose: the browser needs the VAPID public key to subscribe, before the visitor is anyone. */
@Public()
@ApiTags('browser kit')
@Controller('v1/webpush')
export class WebPushKeyController {
  constructor(@Inject(BECKON_CONFIG) private readonly config: BeckonConfig) {}

  @Get('public-key')
  @ApiOperation({
    summary: 'The VAPID public key browsers subscribe with (public)',
    description:
      'pushManager.subscribe takes it as `applicationServerKey`. beckon.js compares it with the key an existing ' +
      'subscription was made with and subscribes again when it changed.',
  })
  @ApiOkResponse({ description: 'the key', schema: ref('WebPushPublicKey') })
  @ApiNotFoundResponse({ description: 'web push is not configured (no VAPID_PUBLIC_KEY)', schema: ref('Error') })
  publicKey(@Res({ passthrough: true }) response: HttpResponse): { publicKey: string } {
    const publicKey = this.config.VAPID_PUBLIC_KEY;
    if (!publicKey) throw new NotFoundException('web push is not configured: VAPID_PUBLIC_KEY is not set');
    // A key changes rarely and a stale one only costs a re-subscription on a later visit.
    response.setHeader('Cache-Control', 'public, max-age=300');
    return { publicKey };
  }
}
