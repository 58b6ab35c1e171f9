import { z } from 'zod';
import { templateSyntaxError } from '@beckon/templates';
import { CHANNELS } from './channel';
import { parseIsoDuration } from './iso-duration';
import { quietHoursSchema } from './caps/caps.schema';
import { DEFAULT_ATTRIBUTION_WINDOWS, MAX_ATTRIBUTION_DAYS } from './attribution';
import { MAX_HOLDOUT_PERCENT } from './holdout';
import { ATTRIBUTION_MODELS } from './engagement';

export const TRIGGERS = [
  'abandoned_cart',
  'sleeping_customer',
  'back_in_stock',
  'consumable_reorder',
  'birthday',
  'browse_abandonment',
  'post_purchase',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Triggers this version evaluates; a trigger missing here is refused rather than accepted and never fired. */
export const AVAILABLE_TRIGGERS: ReadonlySet<Trigger> = new Set<Trigger>(TRIGGERS);

export { CHANNELS } from './channel';
export type { Channel } from './channel';

const MAX_DELAY_MS = 365 * 24 * 3600 * 1000;
const isDelayUpToAYear = (value: string): boolean => {
  const ms = parseIsoDuration(value);
  return ms !== null && ms <= MAX_DELAY_MS;
};

const liquid = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((source, ctx) => {
      const error = templateSyntaxError(source);
      if (error !== null)
        ctx.addIssue({
          code: 'custom',
          message: `invalid Liquid template: ${error}`,
        });
    });

export const emailContentSchema = z
  .strictObject({
    subject: liquid(998).pipe(z.string().min(1)),
    html: liquid(512 * 1024).optional(),
    text: liquid(512 * 1024).optional(),
  })
  .meta({ description: 'Liquid templates; `subject` and `html` or `text` are required' });

/** Chrome shows two action buttons at most; more would be dropped on the device. */
export const MAX_PUSH_ACTIONS = 2;

export const webPushContentSchema = z
  .strictObject({
    title: liquid(256).pipe(z.string().min(1)),
    body: liquid(1024).default(''),
    url: liquid(2048).optional(),
    icon: liquid(2048).optional(),
    image: liquid(2048).optional().meta({
      description: 'a banner image URL, e.g. {{ cart.items[0].image_url }}',
    }),
    actions: z
      .array(z.strictObject({ title: liquid(64).pipe(z.string().min(1)), url: liquid(2048) }))
      .max(MAX_PUSH_ACTIONS)
      .optional()
      .meta({ description: `up to ${MAX_PUSH_ACTIONS} buttons, each opening its own url` }),
    tag: liquid(64).optional().meta({
      description: 'a later notification with the same tag replaces this one on the device, e.g. cart-{{ cart.id }}',
    }),
  })
  .meta({ description: 'Liquid templates of the notification; `title` is required' });

export const stepSchema = z
  .strictObject({
    after: z
      .string()
      .refine(
        isDelayUpToAYear,
        'must be an ISO 8601 duration such as PT1H or P1D (weeks, days, hours, minutes, seconds; at most a year)',
      )
      .meta({
        description:
          'ISO 8601 duration in weeks, days, hours, minutes or seconds, at most a year: step 1 counts from the trigger moment, step n from step n-1',
        example: 'PT1H',
      }),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'channels must not repeat')
      .meta({
        description:
          'in order of preference: the step goes out on the first the customer can receive within the caps; each listed channel needs its content',
      }),
    email: emailContentSchema.optional(),
    webpush: webPushContentSchema.optional(),
  })
  .superRefine((step, ctx) => {
    for (const channel of step.channels) {
      if (step[channel] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [channel],
          message: `content for channel "${channel}" is required`,
        });
      }
    }
    if (step.email !== undefined && step.email.html === undefined && step.email.text === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'email needs html or text',
      });
    }
  });

/** Which survey answer a post_purchase step is for (CONTRACT.md §8); see libs/rules/src/post-purchase.ts. */
export const SURVEY_AUDIENCES = ['promoter', 'passive', 'detractor', 'unanswered'] as const;

/** A post_purchase rule's step: any step, and optionally only for customers whose survey answer matches. */
export const postPurchaseStepSchema = stepSchema.safeExtend({
  when: z.enum(SURVEY_AUDIENCES).optional().meta({
    description:
      'only for customers whose latest survey answer about the order is this: promoter (9-10), passive (7-8), detractor (0-6) or unanswered; for anyone else the step is logged `suppressed` with reason `when:<when>` and the sequence goes on with the next step',
  }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be local time HH:MM');

/** A whole number of days with a message that says what the field is for when it is missing. */
const days = (what: string, min: number, max: number) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `is required: ${what}` : 'must be a number of days') })
    .int('must be a whole number of days')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .meta({ description: what });

export const paramsSchemas = {
  abandoned_cart: z.strictObject({
    minCartValue: z.number().min(0).meta({ description: 'carts worth less get no reminder' }).default(0),
  }),
  sleeping_customer: z.strictObject({
    inactiveDays: days('days without an order after which a customer is asleep', 1, 3650),
    maxOrders: z
      .number()
      .int()
      .min(1, 'must be at least 1 (1 = one-time buyers only)')
      .meta({ description: 'only customers with at most this many orders (1 = one-time buyers only)' })
      .optional(),
  }),
  back_in_stock: z.strictObject({}),
  consumable_reorder: z
    .strictObject({
      defaultDays: days('how many days a product lasts when it carries no replenishment_days', 1, 3650),
      leadDays: days('how many days before it runs out the reminder goes out', 0, 365),
    })
    .refine((params) => params.leadDays < params.defaultDays, {
      path: ['leadDays'],
      message: 'must be less than defaultDays, or the reminder would go out on the day of purchase',
    }),
  birthday: z.strictObject({
    daysBefore: days('how many days before the birthday the greeting goes out (0 = on the day)', 0, 60).default(0),
    sendAt: hhmm.meta({ description: 'local time in the customer’s time zone' }).default('10:00'),
  }),
  browse_abandonment: z.strictObject({
    minViews: z
      .number({ error: 'must be a whole number of product views' })
      .int('must be a whole number of product views')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .meta({
        description: 'visits with fewer Product Viewed events (a product viewed twice counts twice) get no reminder',
      })
      .default(1),
    cooldown: z
      .string()
      .refine(
        isDelayUpToAYear,
        'must be an ISO 8601 duration such as P7D (weeks, days, hours, minutes, seconds; at most a year)',
      )
      .meta({ description: 'at most one browse reminder of this rule per customer within this time', example: 'P7D' })
      .default('P7D'),
  }),
  post_purchase: z.strictObject({
    from: z
      .enum(['delivered', 'ordered'])
      .meta({ description: 'the trigger moment: the order’s delivery (`Order Delivered`) or the order itself' })
      .default('delivered'),
    fallbackDays: days(
      'with from: delivered, how many days after the order the sequence starts when no Order Delivered arrives',
      1,
      90,
    ).default(7),
  }),
} satisfies Record<Trigger, z.ZodType>;

export type RuleParams<T extends Trigger> = z.output<(typeof paramsSchemas)[T]>;

/** The `quietHours` value that drops a rule's own quiet hours in favour of the global ones. */
export const USE_GLOBAL_QUIET_HOURS = 'global';

const attributionWindow = (fallback: string) =>
  z
    .string()
    .refine((value) => {
      const ms = parseIsoDuration(value);
      return ms !== null && ms > 0 && ms <= MAX_ATTRIBUTION_DAYS * 24 * 3600 * 1000;
    }, `must be an ISO 8601 duration such as P5D or PT24H, more than zero and at most ${MAX_ATTRIBUTION_DAYS} days`)
    .meta({ example: fallback })
    .default(fallback);

const holdoutPercent = z
  .number({ error: 'must be a number (percent of customers held back)' })
  .min(0, 'must be at least 0')
  .max(MAX_HOLDOUT_PERCENT, `must be at most ${MAX_HOLDOUT_PERCENT} (percent of customers held back)`)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'must have at most two decimals')
  .meta({
    description: `percent (0-${MAX_HOLDOUT_PERCENT}, at most two decimals) of the customers the rule would message that it holds back instead: when the first step of a sequence comes due they are logged \`holdout\` and get nothing, in every sequence of the rule (the split is a hash of rule and customer id), so GET /v1/dispatches/stats can compare their orders with the messaged ones`,
  });

const common = {
  name: z.string().trim().min(1).max(200),
  enabled: z
    .boolean()
    .meta({ description: 'a disabled rule fires nothing; its pending steps are logged `suppressed` / `rule_disabled`' })
    .default(true),
  steps: z.array(stepSchema).min(1).max(10),
  priority: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .meta({ description: 'when steps of several rules come due for one customer at once, the higher goes first' })
    .default(100),
  /** Transactional rules opt out: their messages are neither held back by caps nor counted by them. */
  caps: z
    .strictObject({ exempt: z.boolean() })
    .meta({
      description:
        'exempt: the rule’s messages are neither held back by frequency caps nor counted by them (transactional)',
    })
    .default({ exempt: false }),
  /**
   * Overrides the global quiet hours for this rule's messages; null sends at any hour. Absent or
   * `"global"`: the global ones. `"global"` exists for PATCH, where leaving the field out keeps the
   * stored override and null already means "none"; it is stored as absent.
   */
  quietHours: z
    .preprocess((value, ctx) => {
      if (value === USE_GLOBAL_QUIET_HOURS) return undefined;
      if (typeof value !== 'string') return value;
      ctx.addIssue({
        code: 'custom',
        message: `must be {"start": "HH:MM", "end": "HH:MM"}, null (no quiet hours) or "${USE_GLOBAL_QUIET_HOURS}"`,
      });
      return undefined;
    }, quietHoursSchema.nullable().optional())
    .meta({
      description: `overrides the global quiet hours for this rule; null: none; absent or "${USE_GLOBAL_QUIET_HOURS}": the global ones apply ("${USE_GLOBAL_QUIET_HOURS}" drops an override in a PATCH, where leaving the field out keeps it)`,
    }),
  /** Percent of the customers the rule would message that it holds back instead, to measure its uplift. */
  holdoutPercent: holdoutPercent.default(0),
  /** How long after a message of each channel an order is attributed to it (last touch). */
  attributionWindows: z
    .strictObject({
      email: attributionWindow(DEFAULT_ATTRIBUTION_WINDOWS.email),
      webpush: attributionWindow(DEFAULT_ATTRIBUTION_WINDOWS.webpush),
    })
    .meta({
      description: `ISO 8601 duration per channel, more than zero and at most ${MAX_ATTRIBUTION_DAYS} days: an order within that time after a sent message of the channel is attributed to the latest such message (last touch)`,
    })
    .default({ ...DEFAULT_ATTRIBUTION_WINDOWS }),
  /** Absent: both tracked (CONTRACT §6); shown only when set, as stored. */
  tracking: z
    .strictObject({ clicks: z.boolean().optional(), opens: z.boolean().optional() })
    .meta({
      description:
        'clicks (default true): links in the email html and the push url and action urls go through a signed GET /c/{token} that records the click, then redirects (unsubscribe and survey links never do); opens (default true): emails carry a 1×1 pixel GET /o/{token}',
      example: { clicks: true, opens: false },
    })
    .optional(),
  /** Absent: last touch, as before clicks were tracked. */
  attribution: z
    .strictObject({ model: z.enum(ATTRIBUTION_MODELS) })
    .meta({
      description:
        'model (default last_touch): last_touch credits an order to the latest message sent before it within its window; under last_click this rule’s messages are credited only if they were clicked before the order',
      example: { model: 'last_click' },
    })
    .optional(),
};

export const ruleInputSchema = z.discriminatedUnion('trigger', [
  z.strictObject({
    ...common,
    trigger: z.literal('abandoned_cart'),
    params: paramsSchemas.abandoned_cart.default({ minCartValue: 0 }),
  }),
  z.strictObject({
    ...common,
    trigger: z.literal('sleeping_customer'),
    params: paramsSchemas.sleeping_customer,
  }),
  z.strictObject({
    ...common,
    trigger: z.literal('back_in_stock'),
    params: paramsSchemas.back_in_stock.default({}),
  }),
  z.strictObject({
    ...common,
    trigger: z.literal('consumable_reorder'),
    params: paramsSchemas.consumable_reorder,
  }),
  z.strictObject({
    ...common,
    trigger: z.literal('birthday'),
    params: paramsSchemas.birthday.default({ daysBefore: 0, sendAt: '10:00' }),
  }),
  z.strictObject({
    ...common,
    trigger: z.literal('browse_abandonment'),
    params: paramsSchemas.browse_abandonment.default({ minViews: 1, cooldown: 'P7D' }),
  }),
  z.strictObject({
    ...common,
    trigger: z.literal('post_purchase'),
    params: paramsSchemas.post_purchase.default({ from: 'delivered', fallbackDays: 7 }),
    steps: z.array(postPurchaseStepSchema).min(1).max(10),
  }),
]);

export type RuleInput = z.output<typeof ruleInputSchema>;
export type RuleStep = z.output<typeof stepSchema>;
export type PostPurchaseStep = z.output<typeof postPurchaseStepSchema>;
export type SurveyAudience = (typeof SURVEY_AUDIENCES)[number];
export type EmailContent = z.output<typeof emailContentSchema>;
export type WebPushContent = z.output<typeof webPushContentSchema>;

/** A stored rule as the engine reads it. */
export type Rule = RuleInput & { id: string; createdAt: Date; updatedAt: Date };
