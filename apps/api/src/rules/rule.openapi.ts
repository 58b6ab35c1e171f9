import { z } from 'zod';
import { CHANNELS, quietHoursSchema, ruleInputSchema, stepSchema, USE_GLOBAL_QUIET_HOURS } from '@beckon/rules';
import { componentsFromZod, ref, SchemaComponents, SchemaObject } from '../openapi/json-schema';
import { previewRequestSchema } from './rule-preview.schema';

// The rule schemas are generated from the zod schemas validateRule uses; each field's limits and
// description are in those schemas. What is said here is about the triggers.

const RULE_NOTES = [
  'Templates are Liquid; besides `customer` and `unsubscribe_url` each trigger gives its own variables:',
  '`abandoned_cart`: `cart`; `sleeping_customer`: `order` (the last one), `days_inactive`, `recommendations`;',
  '`back_in_stock`: `product`; `consumable_reorder`: `products`, `product`, `order`; `birthday`: `birthday` (`date`, `age`).',
  'Step 1 counts from the trigger moment: last cart activity; inactiveDays after the last order; the restock;',
  'leadDays before the product runs out; daysBefore the birthday at sendAt in the customer’s time zone.',
  'Frequency caps (GET/PUT /v1/caps) apply unless `caps.exempt` is true.',
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

/** A transactional rule: never capped, never counted, sent at any hour. */
export const TRANSACTIONAL_EXAMPLE = {
  ...ABANDONED_CART_EXAMPLE,
  name: 'Cart saved for you (service message)',
  steps: [ABANDONED_CART_EXAMPLE.steps[0]],
  caps: { exempt: true },
  quietHours: null,
};

const unsubscribeLink = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';

export const SLEEPING_CUSTOMER_EXAMPLE = {
  name: 'Win back one-time buyers',
  trigger: 'sleeping_customer',
  params: { inactiveDays: 90, maxOrders: 1 },
  steps: [
    {
      after: 'PT0S',
      channels: ['webpush', 'email'],
      webpush: {
        title: '{{ customer.first_name }}, we miss you',
        body: 'Still enjoying {{ recommendations[0].name }}?',
        url: '{{ recommendations[0].url }}',
      },
      email: {
        subject: '{{ customer.first_name }}, we miss you',
        html: `<p>It has been {{ days_inactive }} days. Picked for you:</p><ul>{% for p in recommendations %}<li><a href="{{ p.url }}"><img src="{{ p.image_url }}" alt="">{{ p.name }} – {{ p.price }}</a></li>{% endfor %}</ul>${unsubscribeLink}`,
      },
    },
    {
      after: 'P7D',
      channels: ['email'],
      email: {
        subject: 'A little something to come back for',
        text: 'Your favourites are waiting: {% for p in recommendations %}{{ p.name }} {{ p.url }} {% endfor %}\nUnsubscribe: {{ unsubscribe_url }}',
      },
    },
  ],
  priority: 50,
  // A tenth of the sleepers get nothing: their orders show what the rule adds.
  holdoutPercent: 10,
  attributionWindows: { email: 'P7D', webpush: 'PT24H' },
};

export const BACK_IN_STOCK_EXAMPLE = {
  name: 'Back in stock',
  trigger: 'back_in_stock',
  params: {},
  steps: [
    {
      after: 'PT0S',
      channels: ['email', 'webpush'],
      email: {
        subject: '{{ product.name }} is back',
        html: `<p><a href="{{ product.url }}"><img src="{{ product.image_url }}" alt="">{{ product.name }}</a> is back for {{ product.price }}.</p>${unsubscribeLink}`,
      },
      webpush: {
        title: '{{ product.name }} is back',
        body: 'Now {{ product.price }}',
        url: '{{ product.url }}',
        icon: '{{ product.image_url }}',
      },
    },
  ],
  priority: 300,
};

export const CONSUMABLE_REORDER_EXAMPLE = {
  name: 'Time to refill',
  trigger: 'consumable_reorder',
  params: { defaultDays: 30, leadDays: 3 },
  steps: [
    {
      after: 'PT0S',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Running low, {{ customer.first_name }}?',
        html: `<p>Time to reorder:</p><ul>{% for p in products %}<li><a href="{{ p.url }}">{{ p.name }}</a> × {{ p.quantity }}</li>{% endfor %}</ul>${unsubscribeLink}`,
      },
      webpush: { title: 'Running low on {{ product.name }}?', body: 'Reorder in one click', url: '{{ product.url }}' },
    },
  ],
  priority: 150,
};

export const BIRTHDAY_EXAMPLE = {
  name: 'Birthday greeting',
  trigger: 'birthday',
  params: { daysBefore: 0, sendAt: '10:00' },
  steps: [
    {
      after: 'PT0S',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Happy birthday, {{ customer.first_name }}!',
        html: `<p>All the best for your birthday, {{ customer.first_name }}.</p>${unsubscribeLink}`,
      },
      webpush: { title: 'Happy birthday, {{ customer.first_name }}!', body: 'A little gift is waiting for you' },
    },
  ],
  priority: 200,
};

/** One example per trigger, shown on POST /v1/rules; each is also checked to be a valid rule. */
export const RULE_EXAMPLES = {
  abandoned_cart: { summary: 'Two-step cart reminder', value: ABANDONED_CART_EXAMPLE },
  sleeping_customer: { summary: 'Win back one-time buyers after 90 days', value: SLEEPING_CUSTOMER_EXAMPLE },
  back_in_stock: { summary: 'Tell waiting customers a product is back', value: BACK_IN_STOCK_EXAMPLE },
  consumable_reorder: { summary: 'Remind three days before a product runs out', value: CONSUMABLE_REORDER_EXAMPLE },
  birthday: { summary: 'Greeting at 10:00 local time on the day', value: BIRTHDAY_EXAMPLE },
};

/** The fields every trigger's rule has beside its trigger and params: what a PATCH may replace. */
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
        description: 'the rendered notification (`title`, `body`, `url`, `icon`), or `{error}`',
        additionalProperties: true,
      },
      data: { type: 'object', additionalProperties: true, description: 'the template variables' },
    },
  },
};
