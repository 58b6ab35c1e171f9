import { z } from 'zod';
import {
  CHANNELS,
  quietHoursSchema,
  ruleInputSchema,
  stepSchema,
  Trigger,
  USE_GLOBAL_QUIET_HOURS,
} from '@beckon/rules';
import { componentsFromZod, ref, SchemaComponents, SchemaObject } from '../openapi/json-schema';
import { ABANDONED_CART_EXAMPLE, ALL_TRIGGER_DEFINITIONS, TRIGGER_DEFINITIONS } from '@beckon/triggers';
import { previewRequestSchema } from './rule-preview.schema';

// The rule schemas are generated from the zod schemas validateRule uses; each field's limits and
// description are in those schemas. What is said here is about the triggers.

// Each trigger's description and example live in its definition (libs/triggers); the list feeds /docs.
const RULE_NOTES = [
  'Templates are Liquid; besides `customer` and `unsubscribe_url` each trigger gives its own variables.',
  ...ALL_TRIGGER_DEFINITIONS.map((definition) => `\`${definition.trigger}\`: ${definition.description}`),
  'Frequency caps (GET/PUT /v1/caps) apply unless `caps.exempt` is true.',
].join(' ');

/** A complete rule as CONTRACT.md §4 shows it; also the body the e2e test creates. */
export { ABANDONED_CART_EXAMPLE };

/** A transactional rule: never capped, never counted, sent at any hour. */
export const TRANSACTIONAL_EXAMPLE = {
  ...ABANDONED_CART_EXAMPLE,
  name: 'Cart saved for you (service message)',
  steps: [ABANDONED_CART_EXAMPLE.steps[0]],
  caps: { exempt: true },
  quietHours: null,
};

/** One example per trigger, shown on POST /v1/rules; each is also checked to be a valid rule. */
export const RULE_EXAMPLES = Object.fromEntries(
  ALL_TRIGGER_DEFINITIONS.map((definition) => [definition.trigger, definition.example]),
) as { [T in Trigger]: (typeof TRIGGER_DEFINITIONS)[T]['example'] };

const [firstRule] = ruleInputSchema.options;
const { trigger: _trigger, params: _params, ...ruleSettings } = firstRule.shape;

/**
 * PATCH is validated by applying it and validating the whole rule again; this schema only documents
 * it, with the rule's own field schemas, so their limits stay those of the rule.
 */
const rulePatchSchema = z
  .strictObject(ruleSettings)
  .partial()
  .extend({
    params: z
      .record(z.string(), z.unknown())
      .meta({ description: 'parameters of the rule’s trigger (see RuleInput), replaced as a whole' })
      .optional(),
  })
  .meta({
    description:
      'Top-level fields replace the stored ones; the result must again be a valid rule. `trigger` cannot change. Disable a rule with `{"enabled": false}`.',
  });

/** A stored rule as the API shows it: the rule with its defaults filled in, and its id and times. */
const ruleViewSchema = (() => {
  const stored = { id: z.uuid(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() };
  const [first, ...rest] = ruleInputSchema.options.map((option) => option.extend(stored));
  return z.discriminatedUnion('trigger', [first, ...rest]);
})();

/** Components of caps.openapi that rules contain. */
const CAPS_PARTS = { QuietHours: quietHoursSchema };

/** The zod schema accepts "global" before its own validation (z.preprocess), which JSON Schema cannot show. */
function withGlobalQuietHours(schema: z.core.$ZodType, json: SchemaObject): void {
  if (schema !== firstRule.shape.quietHours) return;
  delete json.allOf;
  json.oneOf = [ref('QuietHours'), { type: 'string', enum: [USE_GLOBAL_QUIET_HOURS] }];
}

/** A PATCH leaving a field out keeps the stored value: the defaults of a new rule do not apply. */
function withoutDefaults(schema: SchemaObject): SchemaObject {
  const properties = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { default: _default, ...rest } = property as SchemaObject;
    return [name, rest];
  });
  return { ...schema, properties: Object.fromEntries(properties) };
}

const { RulePatch, ...REQUESTS } = componentsFromZod(
  {
    RuleInput: ruleInputSchema.meta({ description: `A trigger rule as POST /v1/rules takes it. ${RULE_NOTES}` }),
    RuleStep: stepSchema,
    RulePatch: rulePatchSchema,
    RulePreviewRequest: previewRequestSchema,
  },
  { io: 'input', referenced: CAPS_PARTS, override: withGlobalQuietHours },
);

// Its steps refer to RuleStep as a request gives them; a stored step also has the defaults filled in.
const RESPONSES = componentsFromZod(
  { Rule: ruleViewSchema },
  { io: 'output', referenced: { ...CAPS_PARTS, RuleStep: stepSchema } },
);

export const RULE_SCHEMAS: SchemaComponents = {
  ...REQUESTS,
  RulePatch: withoutDefaults(RulePatch!),
  ...RESPONSES,
  RuleList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Rule') } } },
  RulePreview: {
    type: 'object',
    required: ['ruleId', 'customerId', 'step', 'channel', 'reason', 'fallbackReason', 'email', 'webpush', 'data'],
    properties: {
      ruleId: { type: 'string', format: 'uuid' },
      customerId: { type: 'string' },
      step: { type: 'integer', minimum: 1 },
      channel: {
        type: 'string',
        enum: [...CHANNELS],
        nullable: true,
        description: 'the channel it would go out on now, the frequency caps as they stand included',
      },
      reason: {
        type: 'string',
        nullable: true,
        description: 'why it would be suppressed (`no_address`, `unsubscribed`, `capped:email:16h`, `holdout`, ...)',
      },
      fallbackReason: {
        type: 'string',
        nullable: true,
        description:
          'why it would go out on a later channel than the step’s first, as the dispatch log records it (`fallback:capped:email:16h`, `fallback:no_address:email`, ...); null when it would use the first channel or not go at all',
      },
      email: {
        type: 'object',
        nullable: true,
        description:
          'the rendered email (`subject`, `html`, `text`), or `{error}` when a template fails; null when the step has no email',
        additionalProperties: true,
      },
      webpush: {
        type: 'object',
        nullable: true,
        description: 'the rendered notification (`title`, `body`, `url`, `icon`, `image`, `actions`), or `{error}`',
        additionalProperties: true,
      },
      data: { type: 'object', additionalProperties: true, description: 'the template variables' },
    },
  },
};
