import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CapSettings, capSettingsSchema } from '@beckon/rules';
import { ApiKeyErrors, ApiValidationError } from '../errors/error.openapi';
import { parseWith } from '../errors/parse-with';
import { ref } from '../openapi/json-schema';
import { API_KEY_SECURITY } from '../openapi/security';
import { CAPS_EXAMPLE } from './caps.openapi';
import { CapsService } from './caps.service';

@ApiTags('caps')
@ApiSecurity(API_KEY_SECURITY)
@ApiKeyErrors()
@Controller('v1/caps')
export class CapsController {
  constructor(private readonly caps: CapsService) {}

  @Get()
  @ApiOperation({ summary: 'Global frequency caps, quiet hours and the care window (the defaults until set)' })
  @ApiResponse({ status: 200, description: 'the caps in force', schema: ref('CapSettings') })
  get(): Promise<CapSettings> {
    return this.caps.get();
  }

  @Put()
  @ApiOperation({
    summary: 'Replace the global frequency caps, quiet hours and care window',
    description:
      '`rules`, `quietHours` and `defaultTimezone` are required; `quietHours: null` turns quiet hours off, `rules: []` ' +
      'turns caps off; without `care` the default care window holds (P14D, all five signals), `care.signals: []` turns it off.',
  })
  @ApiBody({
    schema: ref('CapSettings'),
    examples: { contract: { summary: 'Klaviyo- and Braze-like caps, quiet at night', value: CAPS_EXAMPLE } },
  })
  @ApiResponse({ status: 200, description: 'the caps now in force', schema: ref('CapSettings') })
  @ApiValidationError()
  put(@Body() body: unknown): Promise<CapSettings> {
    return this.caps.put(parseWith(capSettingsSchema, body));
  }
}
