import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyErrors, ApiNotFound } from '../errors/error.openapi';
import { ref } from '../openapi/json-schema';
import { API_KEY_SECURITY } from '../openapi/security';
import { CustomerOverviewService } from './customer-overview.service';
import { CustomerOverview } from './customer.view';

@ApiTags('customers')
@ApiSecurity(API_KEY_SECURITY)
@ApiKeyErrors()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly overviews: CustomerOverviewService) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A customer: profile, consent, subscriptions, open carts, pending and recent dispatches',
    description: 'Anonymous visitors have the id `anon:<anonymousId>` (URL-encode the colon if your client needs to).',
  })
  @ApiResponse({
    status: 200,
    description: 'the customer (the user, for a merged anonymous id)',
    schema: ref('CustomerOverview'),
  })
  @ApiNotFound('no customer has this id')
  overview(@Param('id') id: string): Promise<CustomerOverview> {
    return this.overviews.overview(id);
  }
}
