import { ruleInputSchema, stepSchema, TRIGGERS } from '@beckon/rules';
import { isoDateTime, ref, schemaFromZod, SchemaComponents, SchemaObject } from '../openapi/json-schema';

// The rule schemas are generated from the zod schema validateRule uses. Refinements zod cannot express
// in JSON Schema (ISO durations, Liquid syntax, content required per listed channel) are described in words.

const RULE_NOTES = [
  '`steps[].after` is an ISO 8601 duration in weeks, days, hours, minutes or seconds (PT1H, P1D), at most a year;',
  'step 1 counts from the trigger moment, step n from step n-1.',
  '`channels` is the order of preference; every listed channel needs its content (`email` needs `subject` and `html` or `text`).',
  'Templates are Liquid. Only `abandoned_cart` is available in this version; other triggers are refused.',
  'Frequency caps (GET/PUT /v1/caps) apply unless `caps.exempt` is true (transactional messages: neither capped nor counted).',
  '`quietHours` overrides the global quiet hours for this rule; null sends at any hour; absent, the global ones apply.',
].join(' ');

/** A complete rule as CONTRACT.md §4 shows it; also the body the e2e test creates. */
export const ABANDONED_CART_EXAMPLE = {
  name: 'Cart reminder',
  trigger: 'abandoned_cart',
  enabled: true,
  params: { minCartValue: 0 },
  steps: [
    {
      after: 'PT1H',
      channels: ['email', 'webpush'],
      email: {
        subject: '{{ customer.first_name }}, your cart is waiting',
        html: '<p>Hello {{ customer.first_name }},</p><p>You left {{ cart.items | size }} items in your cart.</p><p><a href="{{ cart.url }}">Back to your cart</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
        text: 'Hello {{ customer.first_name }}, you left {{ cart.items | size }} items in your cart: {{ cart.url }}\nUnsubscribe: {{ unsubscribe_url }}',
      },
      webpush: { title: 'Still thinking?', body: '{{ cart.items | size }} items in your cart', url: '{{ cart.url }}' },
    },
    {
      after: 'P1D',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Your cart is about to expire',
        html: '<p>{{ customer.first_name }}, your items are still reserved.</p><p><a href="{{ cart.url }}">Complete your order</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
        text: '{{ customer.first_name }}, your items are still reserved: {{ cart.url }}\nUnsubscribe: {{ unsubscribe_url }}',
      },
      webpush: { title: 'Your cart misses you', body: 'Complete your order today', url: '{{ cart.url }}' },
    },
  ],
  priority: 100,
};

const ruleCaps: SchemaObject = {
  type: 'object',
  required: ['exempt'],
  properties: { exempt: { type: 'boolean', default: false } },
  additionalProperties: false,
  description:
    'exempt: the rule’s messages are neither held back by frequency caps nor counted by them (transactional)',
};
// OpenAPI 3.0 ignores siblings of $ref, so the nullable reference goes through allOf.
const ruleQuietHours: SchemaObject = {
  allOf: [ref('QuietHours')],
  nullable: true,
  description: 'overrides the global quiet hours for this rule; null: none; absent: the global ones apply',
};

/** A transactional rule: never capped, never counted, sent at any hour. */
export const TRANSACTIONAL_EXAMPLE = {
  ...ABANDONED_CART_EXAMPLE,
  name: 'Cart saved for you (service message)',
  steps: [ABANDONED_CART_EXAMPLE.steps[0]],
  caps: { exempt: true },
  quietHours: null,
};

export const RULE_SCHEMAS: SchemaComponents = {
  RuleInput: {
    ...schemaFromZod(ruleInputSchema),
    description: `A trigger rule as POST /v1/rules takes it. ${RULE_NOTES}`,
  },
  RuleStep: schemaFromZod(stepSchema),
  RulePatch: {
    type: 'object',
    description:
      'Top-level fields replace the stored ones; the result must again be a valid rule. `trigger` cannot change. Disable a rule with `{"enabled": false}`.',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      enabled: { type: 'boolean' },
      params: { type: 'object', description: 'parameters of the rule’s trigger, replaced as a whole' },
      steps: { type: 'array', minItems: 1, maxItems: 10, items: ref('RuleStep') },
      priority: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      caps: ruleCaps,
      quietHours: ruleQuietHours,
    },
    additionalProperties: false,
  },
  Rule: {
    type: 'object',
    required: ['id', 'name', 'trigger', 'enabled', 'params', 'steps', 'priority', 'caps', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      trigger: { type: 'string', enum: [...TRIGGERS] },
      enabled: { type: 'boolean' },
      params: { type: 'object', additionalProperties: true },
      steps: { type: 'array', items: ref('RuleStep') },
      priority: { type: 'integer' },
      caps: ruleCaps,
      quietHours: ruleQuietHours,
      createdAt: isoDateTime,
      updatedAt: isoDateTime,
    },
  },
  RuleList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Rule') } } },
};
