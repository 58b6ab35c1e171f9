import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import type { HttpResponse } from '../common/http-types';
import { DashboardAsset } from './dashboard-assets';

export const DASHBOARD_ASSETS = Symbol('DASHBOARD_ASSETS');

/**
 * The page holds no data: it asks for a key and reads /v1 with it. It may only run its own scripts
 * and talk to this origin, may not be framed, and never sends its URL to another site.
 */
const SECURITY_HEADERS: Array<[string, string]> = [
  [
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  ],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['X-Robots-Tag', 'noindex'],
  // Revalidated on every load (Express answers 304 by ETag), so a deploy is never hidden by a stale script.
  ['Cache-Control', 'no-cache'],
];

/** Public on purpose: a browser navigation carries no X-API-Key; every figure comes from keyed /v1 calls. */
@Public()
@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(@Inject(DASHBOARD_ASSETS) private readonly assets: Map<string, DashboardAsset>) {}

  @Get()
  @ApiOperation({
    summary: 'The ops dashboard (an HTML page, public)',
    description:
      'Charts of the dispatch log over a time range, suppression reasons, per-rule funnel and a searchable log. ' +
      'The page asks for an ops or marketer key, keeps it in sessionStorage and calls /v1 with X-API-Key.',
  })
  @ApiOkResponse({ description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } })
  page(@Res({ passthrough: true }) response: HttpResponse): string {
    return this.send('index.html', response);
  }

  @Get(':file')
  @ApiExcludeEndpoint()
  file(@Param('file') file: string, @Res({ passthrough: true }) response: HttpResponse): string {
    return this.send(file, response);
  }

  private send(name: string, response: HttpResponse): string {
    const asset = this.assets.get(name);
    if (asset === undefined) throw new NotFoundException(`no dashboard file ${name}`);
    response.setHeader('Content-Type', asset.contentType);
    for (const [header, value] of SECURITY_HEADERS) response.setHeader(header, value);
    return asset.body;
  }
}
