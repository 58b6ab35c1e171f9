import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TRIGGERS } from '@beckon/rules';
import { ApiKeyErrors, ApiNotFound, ApiValidationError } from '../errors/error.openapi';
import { parseWith } from '../errors/parse-with';
import { API_KEY_SECURITY } from '../openapi/security';
import { ApiQueryFromZod } from '../openapi/zod-query';
import { ref } from '../openapi/json-schema';
import { RULE_EXAMPLES, TRANSACTIONAL_EXAMPLE } from './rule.openapi';
import { RulePreview, RulePreviewService } from './rule-preview.service';
import { RuleView, toRuleView } from './rule.view';
import { RulesService } from './rules.service';

const listQuery = z.strictObject({
  trigger: z.enum(TRIGGERS).meta({ description: 'only the rules of this trigger' }).optional(),
  enabled: z
    .enum(['true', 'false'])
    .meta({ description: 'only the enabled (true) or the disabled (false) rules' })
    .transform((value) => value === 'true')
    .optional(),
});

@ApiTags('rules')
@ApiSecurity(API_KEY_SECURITY)
@ApiKeyErrors()
@Controller('v1/rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly previews: RulePreviewService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a trigger rule' })
  @ApiBody({
    schema: ref('RuleInput'),
    examples: {
      ...RULE_EXAMPLES,
      transactional: { summary: 'Exempt from caps and quiet hours', value: TRANSACTIONAL_EXAMPLE },
    },
  })
  @ApiResponse({ status: 201, description: 'the stored rule', schema: ref('Rule') })
  @ApiValidationError()
  async create(@Body() body: unknown): Promise<RuleView> {
    return toRuleView(await this.rules.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List live (not deleted) rules' })
  @ApiQueryFromZod(listQuery)
  @ApiResponse({ status: 200, description: 'live rules, oldest first', schema: ref('RuleList') })
  @ApiValidationError()
  async list(@Query() query: unknown): Promise<{ items: RuleView[] }> {
    const filter = parseWith(listQuery, query);
    return { items: (await this.rules.list(filter)).map(toRuleView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one rule' })
  @ApiResponse({ status: 200, description: 'the rule', schema: ref('Rule') })
  @ApiNotFound('no live rule has this id')
  async get(@Param('id') id: string): Promise<RuleView> {
    return toRuleView(await this.rules.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a rule (enable/disable with {"enabled": false})' })
  @ApiBody({
    schema: ref('RulePatch'),
    examples: { disable: { summary: 'Pause the rule', value: { enabled: false } } },
  })
  @ApiResponse({ status: 200, description: 'the rule after the change', schema: ref('Rule') })
  @ApiValidationError('the patched rule would be invalid')
  @ApiNotFound('no live rule has this id')
  async patch(@Param('id') id: string, @Body() body: unknown): Promise<RuleView> {
    return toRuleView(await this.rules.patch(id, body));
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Render a step for one customer without sending it',
    description:
      'Uses the data the engine would give the step right now (the customer’s cart, order history, product, birthday) and says which channel it would go out on. Nothing is sent or logged; the unsubscribe link is a placeholder.',
  })
  @ApiBody({
    schema: ref('RulePreviewRequest'),
    examples: {
      first: { summary: 'Step 1 for a customer', value: { customerId: 'u1' } },
      product: { summary: 'Step 2 about a given product', value: { customerId: 'u1', step: 2, productId: 'p1' } },
    },
  })
  @ApiResponse({ status: 200, description: 'the rendered step', schema: ref('RulePreview') })
  @ApiValidationError()
  @ApiNotFound('no live rule or no customer has this id')
  preview(@Param('id') id: string, @Body() body: unknown): Promise<RulePreview> {
    return this.previews.preview(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a rule',
    description: 'Soft delete: the rule stops firing and disappears from the API; its dispatches stay in the log.',
  })
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiNotFound('no live rule has this id')
  async remove(@Param('id') id: string): Promise<void> {
    await this.rules.remove(id);
  }
}
