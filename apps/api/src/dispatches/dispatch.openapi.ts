import { DISPATCH_STATUSES } from '@beckon/contracts';
import { CHANNELS, MAX_HOLDOUT_PERCENT } from '@beckon/rules';
import { isoDateTime, nullable, ref, SchemaComponents, SchemaObject } from '../openapi/json-schema';
import { STATS_BUCKETS } from './dispatch-query.schemas';

const channel = nullable({
  type: 'string',
  enum: [...CHANNELS],
  description: 'the channel chosen when the step fired; null while scheduled or when no channel could be used',
});
const reason = nullable({
  type: 'string',
  description:
    'short machine-readable cause: capped:email:16h (capped:<cap channel>:<window>), quiet_hours, unsubscribed, no_address, smtp:550, push:410, ...',
});

const ENGAGEMENT_FIELDS = ['opened', 'clicked', 'openRate', 'clickRate'];
const engagement: Record<string, SchemaObject> = {
  opened: {
    type: 'integer',
    minimum: 0,
    description:
      'sent messages whose open pixel was loaded at least once: a weak signal (mail privacy proxies load every image; pushes have no pixel), shown apart from clicks',
  },
  clicked: { type: 'integer', minimum: 0, description: 'sent messages with at least one tracked link followed' },
  openRate: { type: 'number', minimum: 0, description: 'opened / sent (0 when nothing was sent); weak, see opened' },
  clickRate: { type: 'number', minimum: 0, description: 'clicked / sent (0 when nothing was sent)' },
};

const FUNNEL_FIELDS = ['triggered', 'sent', 'conversions', 'revenue', 'conversionRate'];
const funnel: Record<string, SchemaObject> = {
  triggered: {
    type: 'integer',
    minimum: 0,
    description: 'dispatches whose decision was taken (not scheduled), holdout excluded',
  },
  sent: { type: 'integer', minimum: 0 },
  conversions: { type: 'integer', minimum: 0, description: 'orders attributed (last touch) to these dispatches' },
  revenue: { type: 'number', description: 'sum of their order totals (the shop’s currency)' },
  conversionRate: { type: 'number', minimum: 0, description: 'conversions / sent (0 when nothing was sent)' },
};

export const DISPATCH_SCHEMAS: SchemaComponents = {
  Dispatch: {
    type: 'object',
    required: [
      'id',
      'ruleId',
      'customerId',
      'channel',
      'step',
      'status',
      'reason',
      'createdAt',
      'updatedAt',
      'dueAt',
      'sentAt',
      'correlationId',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      ruleId: { type: 'string', format: 'uuid' },
      customerId: { type: 'string' },
      channel,
      step: { type: 'integer', minimum: 1, description: '1-based step of the rule (step 1 is rule.steps[0])' },
      status: { type: 'string', enum: [...DISPATCH_STATUSES] },
      reason,
      fallbackReason: {
        type: 'string',
        description:
          'present only when the step went out on a later channel than its first: why each preferred channel was passed over, `fallback:<why>:<channel>[:<detail>]` comma-separated in preference order, e.g. `fallback:capped:email:16h` (the cap frees in 16 h, rounded up), `fallback:no_address:email`, `fallback:unsubscribed:email`, `fallback:undeliverable:email`, `fallback:no_subscription:webpush`',
        example: 'fallback:capped:email:16h',
      },
      createdAt: isoDateTime,
      updatedAt: isoDateTime,
      dueAt: nullable({ ...isoDateTime, description: 'when a scheduled or deferred step will fire' }),
      sentAt: nullable(isoDateTime),
      openedAt: {
        ...isoDateTime,
        description:
          'present once the email’s open pixel was loaded: the first time. A weak signal: mail privacy proxies load every image',
      },
      clickedAt: {
        ...isoDateTime,
        description: 'present once a tracked link of the message was followed: the first time',
      },
      clicks: {
        type: 'integer',
        minimum: 1,
        description: 'present with clickedAt: every click on the message’s tracked links, repeats included',
      },
      correlationId: nullable({
        type: 'string',
        description:
          "what started the sequence: the storefront event (its X-Correlation-Id header if the producer set one, else its messageId; for POST /v1/events the request's X-Correlation-Id), `scan:<ruleId>:<time>` for time-based moments, `restock:<productId>:<time>` for a restock fan-out; the engine and delivery services log it with every line about the dispatch",
      }),
    },
  },
  DispatchPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: ref('Dispatch') },
      nextCursor: nullable({
        type: 'string',
        description: 'pass as `cursor` for the next page; null on the last page',
      }),
    },
  },
  DispatchStats: {
    type: 'object',
    required: ['since', 'until', 'bucket', 'rows', 'series', 'reasons', 'rules', 'nps', 'npsSeries'],
    properties: {
      since: isoDateTime,
      until: isoDateTime,
      bucket: { type: 'string', enum: [...STATS_BUCKETS], description: 'width of the series buckets (UTC)' },
      rows: {
        type: 'array',
        description: 'counts by rule, channel, current status and reason',
        items: {
          type: 'object',
          required: ['ruleId', 'channel', 'status', 'reason', 'count'],
          properties: {
            ruleId: { type: 'string', format: 'uuid' },
            channel,
            status: { type: 'string', enum: [...DISPATCH_STATUSES] },
            reason,
            count: { type: 'integer', minimum: 1 },
          },
        },
      },
      series: {
        type: 'array',
        description:
          'dispatches per bucket start, channel and current status; only non-empty buckets, by at, channel, status',
        items: {
          type: 'object',
          required: ['at', 'channel', 'status', 'count'],
          properties: {
            at: { ...isoDateTime, description: 'start of the UTC hour or day' },
            channel,
            status: { type: 'string', enum: [...DISPATCH_STATUSES] },
            count: { type: 'integer', minimum: 1 },
          },
        },
      },
      reasons: {
        type: 'array',
        description: 'dispatches with a reason, by reason and status, most frequent first',
        items: {
          type: 'object',
          required: ['reason', 'status', 'count'],
          properties: {
            reason: { type: 'string' },
            status: { type: 'string', enum: [...DISPATCH_STATUSES] },
            count: { type: 'integer', minimum: 1 },
          },
        },
      },
      rules: { type: 'array', items: ref('RuleStats') },
      nps: {
        allOf: [ref('Nps')],
        description:
          'the shop’s NPS: every survey answer given (answered_at) in [since, until), of any rule or none; `ruleId` does not narrow it',
      },
      npsSeries: {
        type: 'array',
        description: 'the shop’s NPS per bucket (same buckets as `series`); only buckets with answers, by at',
        items: {
          allOf: [
            ref('Nps'),
            {
              type: 'object',
              required: ['at'],
              properties: { at: { ...isoDateTime, description: 'start of the UTC hour or day' } },
            },
          ],
        },
      },
    },
  },
  Nps: {
    type: 'object',
    description:
      'Net Promoter Score of survey answers (0–10): promoters answered 9–10, passives 7–8, detractors 0–6; the last answer per survey message counts',
    required: ['promoters', 'passives', 'detractors', 'answers', 'score'],
    properties: {
      promoters: { type: 'integer', minimum: 0 },
      passives: { type: 'integer', minimum: 0 },
      detractors: { type: 'integer', minimum: 0 },
      answers: { type: 'integer', minimum: 0, description: 'promoters + passives + detractors' },
      score: nullable({
        type: 'integer',
        minimum: -100,
        maximum: 100,
        description:
          '% promoters − % detractors in whole points: round(100 × (promoters − detractors) / answers), halves away from zero (12.5 → 13, −12.5 → −13); null without answers',
        example: 40,
      }),
    },
  },
  RuleStats: {
    type: 'object',
    description: 'a rule’s funnel over the range: totals of its steps, the steps, and its holdout comparison',
    required: [
      ...FUNNEL_FIELDS,
      ...ENGAGEMENT_FIELDS,
      'ruleId',
      'name',
      'trigger',
      'holdoutPercent',
      'steps',
      'holdout',
    ],
    properties: {
      ruleId: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      trigger: { type: 'string' },
      holdoutPercent: { type: 'number', minimum: 0, maximum: MAX_HOLDOUT_PERCENT },
      ...funnel,
      ...engagement,
      steps: { type: 'array', items: ref('StepStats') },
      holdout: {
        type: 'object',
        required: ['messaged', 'heldOut', 'uplift'],
        properties: {
          messaged: ref('HoldoutGroup'),
          heldOut: ref('HoldoutGroup'),
          uplift: nullable({
            type: 'number',
            description: 'messaged.conversionRate - heldOut.conversionRate; null without held-out customers',
          }),
        },
      },
      nps: {
        allOf: [ref('Nps')],
        description:
          'present on post_purchase rules only (absent on the others): the NPS of the answers to this rule’s survey given in the range; zero counts and score null when none',
      },
    },
  },
  StepStats: {
    type: 'object',
    required: ['step', 'failed', 'suppressed', ...FUNNEL_FIELDS, ...ENGAGEMENT_FIELDS],
    properties: {
      step: { type: 'integer', minimum: 1 },
      ...funnel,
      failed: { type: 'integer', minimum: 0 },
      suppressed: { type: 'integer', minimum: 0 },
      ...engagement,
    },
  },
  HoldoutGroup: {
    type: 'object',
    description:
      'the rule’s sequences created in the range whose first step was sent (messaged) or logged holdout (heldOut), and those followed by an order within the rule’s longest attribution window after the message was sent or the holdout decided',
    required: ['customers', 'conversions', 'revenue', 'conversionRate'],
    properties: {
      customers: {
        type: 'integer',
        minimum: 0,
        description: 'sequences in the group: one per customer and occasion (two abandoned carts count twice)',
      },
      conversions: { type: 'integer', minimum: 0, description: 'sequences followed by an order, not orders' },
      revenue: { type: 'number', description: 'sum of those orders' },
      conversionRate: { type: 'number', minimum: 0, maximum: 1, description: 'conversions / customers' },
    },
  },
};
