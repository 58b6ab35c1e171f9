import { INestApplication } from '@nestjs/common';
import { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import {
  DEFAULT_ATTRIBUTION_WINDOWS,
  MAX_ATTRIBUTION_DAYS,
  MAX_CAP_DAYS,
  MAX_HOLDOUT_PERCENT,
  ruleInputSchema,
  TRIGGERS,
  capSettingsSchema,
} from '@beckon/rules';
import { CapsController } from '../caps/caps.controller';
import { CapsService } from '../caps/caps.service';
import { DispatchLogService } from '../dispatches/dispatch-log.service';
import { MAX_PAGE_SIZE } from '../dispatches/dispatch-query.schemas';
import { DispatchStatsService } from '../dispatches/dispatch-stats.service';
import { DispatchesController } from '../dispatches/dispatches.controller';
import { RulePreviewService } from '../rules/rule-preview.service';
import { RulesController } from '../rules/rules.controller';
import { RulesService } from '../rules/rules.service';
import { buildOpenApiDocument } from './setup-openapi';

type Json = Record<string, any>;

/** The document as the API builds it, from the real controllers; their services are never called. */
async function documentOfTheControllers(): Promise<OpenAPIObject> {
  const unused = (service: unknown) => ({ provide: service as never, useValue: {} });
  const module = await Test.createTestingModule({
    controllers: [RulesController, CapsController, DispatchesController],
    providers: [RulesService, RulePreviewService, CapsService, DispatchLogService, DispatchStatsService].map(unused),
  }).compile();
  const app: INestApplication = module.createNestApplication();
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

const ruleWith = (fields: Json) => ({ ...RULE_BASE, ...fields });
const RULE_BASE = {
  name: 'r',
  trigger: 'back_in_stock',
  steps: [{ after: 'PT0S', channels: ['webpush'], webpush: { title: 'Back' } }],
};

describe('the OpenAPI document generated from the zod schemas', () => {
  let document: OpenAPIObject;
  let schemas: Json;
  beforeAll(async () => {
    document = await documentOfTheControllers();
    schemas = document.components!.schemas as Json;
  });

  const ruleBranch = (component: string, trigger: string): Json =>
    schemas[component].oneOf.find((branch: Json) => branch.properties.trigger.enum[0] === trigger);

  it('states the holdout limit the rule schema enforces, in the request, the patch and the stored rule', () => {
    for (const holdout of [
      ruleBranch('RuleInput', 'birthday').properties.holdoutPercent,
      schemas.RulePatch.properties.holdoutPercent,
      ruleBranch('Rule', 'birthday').properties.holdoutPercent,
    ]) {
      expect(holdout).toMatchObject({ type: 'number', minimum: 0, maximum: MAX_HOLDOUT_PERCENT });
    }
    expect(ruleInputSchema.safeParse(ruleWith({ holdoutPercent: MAX_HOLDOUT_PERCENT })).success).toBe(true);
    expect(ruleInputSchema.safeParse(ruleWith({ holdoutPercent: MAX_HOLDOUT_PERCENT + 1 })).success).toBe(false);
  });

  it('states the longest attribution window the rule schema accepts, and its defaults', () => {
    const windows = ruleBranch('RuleInput', 'abandoned_cart').properties.attributionWindows;
    expect(windows.description).toContain(`at most ${MAX_ATTRIBUTION_DAYS} days`);
    expect(windows.properties.email.default).toBe(DEFAULT_ATTRIBUTION_WINDOWS.email);
    expect(windows.properties.webpush.default).toBe(DEFAULT_ATTRIBUTION_WINDOWS.webpush);
    const withEmailWindow = (days: number) => ruleWith({ attributionWindows: { email: `P${days}D` } });
    expect(ruleInputSchema.safeParse(withEmailWindow(MAX_ATTRIBUTION_DAYS)).success).toBe(true);
    expect(ruleInputSchema.safeParse(withEmailWindow(MAX_ATTRIBUTION_DAYS + 1)).success).toBe(false);
  });

  it('describes every trigger’s params with the limits of its schema', () => {
    expect(schemas.RuleInput.oneOf).toHaveLength(TRIGGERS.length);
    const sleeping = ruleBranch('RuleInput', 'sleeping_customer').properties.params;
    expect(sleeping.required).toEqual(['inactiveDays']);
    expect(sleeping.properties.inactiveDays).toMatchObject({ type: 'integer', minimum: 1, maximum: 3650 });
    expect(sleeping.properties.inactiveDays.description).toMatch(/days without an order/);
    const birthday = ruleBranch('RuleInput', 'birthday').properties.params;
    expect(birthday.properties.daysBefore).toMatchObject({ minimum: 0, maximum: 60, default: 0 });
  });

  it('shows an example for every trigger on POST /v1/rules, each a rule the schema accepts', () => {
    const examples = (document.paths['/v1/rules']!.post!.requestBody as Json).content['application/json'].examples;
    for (const trigger of TRIGGERS) {
      expect(examples[trigger]?.value?.trigger).toBe(trigger);
      const parsed = ruleInputSchema.safeParse(examples[trigger].value);
      expect({ trigger, issues: parsed.error?.issues ?? [] }).toEqual({ trigger, issues: [] });
    }
  });

  it('lets a rule send "global" as its quiet hours, which only a request can hold', () => {
    const input = ruleBranch('RuleInput', 'abandoned_cart').properties.quietHours;
    expect(input).toMatchObject({ nullable: true });
    expect(input.oneOf).toEqual([{ $ref: '#/components/schemas/QuietHours' }, { type: 'string', enum: ['global'] }]);
    expect(schemas.RulePatch.properties.quietHours.oneOf).toEqual(input.oneOf);
    expect(ruleBranch('Rule', 'abandoned_cart').properties.quietHours).toMatchObject({
      nullable: true,
      allOf: [{ $ref: '#/components/schemas/QuietHours' }],
    });
  });

  it('gives a PATCH no defaults: a field left out keeps the stored value', () => {
    const patch = schemas.RulePatch;
    expect(patch.required).toBeUndefined();
    expect(Object.keys(patch.properties)).not.toContain('trigger');
    for (const [field, property] of Object.entries(patch.properties as Json)) {
      expect({ field, default: property.default }).toEqual({ field, default: undefined });
    }
    expect(patch.properties.priority).toMatchObject({ minimum: 0, maximum: 1_000_000 });
  });

  it('shows a stored rule with its defaults filled in and its id and times', () => {
    const stored = ruleBranch('Rule', 'back_in_stock');
    expect(stored.required).toEqual(
      expect.arrayContaining(['id', 'createdAt', 'updatedAt', 'enabled', 'priority', 'holdoutPercent']),
    );
    expect(stored.properties.steps.items).toEqual({ $ref: '#/components/schemas/RuleStep' });
  });

  it('states the caps limits of the caps schema', () => {
    const capRule = schemas.CapSettings.properties.rules.items;
    expect(capRule.properties.max).toMatchObject({ minimum: 1, maximum: 1000 });
    expect(capRule.properties.per.description).toContain(`at most ${MAX_CAP_DAYS} days`);
    expect(schemas.CapSettings.example).toEqual(expect.objectContaining({ defaultTimezone: 'UTC' }));
    expect(capSettingsSchema.safeParse(schemas.CapSettings.example).success).toBe(true);
  });

  it('lists the query parameters of the list routes from their zod schemas', () => {
    const parameters = (path: string) =>
      Object.fromEntries(
        (document.paths[path]!.get!.parameters as Json[]).map(({ name, ...parameter }) => [name, parameter]),
      );
    const log = parameters('/v1/dispatches');
    expect(Object.keys(log).sort()).toEqual(
      ['channel', 'cursor', 'customerId', 'limit', 'reason', 'ruleId', 'since', 'status', 'until'].sort(),
    );
    expect(log.limit).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
    });
    expect(log.since).toMatchObject({ description: 'created at or after', schema: { format: 'date-time' } });
    expect(log.reason.schema.example).toBe('capped:email:16h');
    expect(Object.keys(parameters('/v1/dispatches/stats')).sort()).toEqual(['bucket', 'ruleId', 'since', 'until']);
    expect(parameters('/v1/rules').enabled.schema).toEqual({ type: 'string', enum: ['true', 'false'] });
  });

  it('refers only to components it has', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !(name! in schemas))).toEqual([]);
  });
});
