import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import type { HttpResponse } from '../common/http-types';
import { SDK_FILES } from './sdk-assets';

export const SDK_ASSETS = Symbol('SDK_ASSETS');

/**
 * Shop pages load these from another origin on every visit: cached for a few minutes and then
 * revalidated by ETag (Express answers 304), so a deploy reaches every visitor within minutes.
 * Browsers check a service worker's imported script for updates themselves, capped at a day.
 */
const SCRIPT_HEADERS: Array<[string, string]> = [
  ['Content-Type', 'text/javascript; charset=utf-8'],
  ['Cache-Control', 'public, max-age=300, stale-while-revalidate=3600'],
  ['X-Content-Type-Options', 'nosniff'],
  // Loaded by <script src> and importScripts from the shop's origin.
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
];

/** Public on purpose: a shop's page and its service worker fetch them with no key. */
@Public()
@ApiTags('browser kit')
@Controller('sdk')
export class SdkController {
  constructor(@Inject(SDK_ASSETS) private readonly assets: Map<string, string>) {}

  @Get(':file')
  @ApiOperation({
    summary: 'The browser kit (public): beckon.js for the shop’s pages, sw.js for its service worker',
    description:
      'beckon.js defines a global `beckon` (init, identify, track, page, push.prompt, push.subscribe, push.unsubscribe) ' +
      "that sends events to /v1/batch with a source key. sw.js is imported by a one-line worker file on the shop's origin: " +
      "`importScripts('https://<beckon>/sdk/sw.js')`. See docs/browser-kit.md.",
  })
  @ApiParam({ name: 'file', enum: SDK_FILES })
  @ApiOkResponse({ description: 'the script', content: { 'text/javascript': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'no such file' })
  file(@Param('file') file: string, @Res({ passthrough: true }) response: HttpResponse): string {
    const script = this.assets.get(file);
    if (script === undefined) throw new NotFoundException(`no browser kit file ${file}`);
    for (const [header, value] of SCRIPT_HEADERS) response.setHeader(header, value);
    return script;
  }
}
