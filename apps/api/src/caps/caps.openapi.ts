import {
  capSettingsSchema,
  careSettingsSchema,
  DEFAULT_CAP_RULES,
  DEFAULT_QUIET_HOURS,
  defaultCareSettings,
  quietHoursSchema,
} from '@beckon/rules';
import { componentsFromZod, SchemaComponents } from '../openapi/json-schema';

/** The example of CONTRACT.md §3, with the care window of §8. */
export const CAPS_EXAMPLE = {
  rules: [
    { channel: 'email', max: 1, per: 'PT16H' },
    { channel: 'email', max: 3, per: 'P7D' },
    { channel: 'webpush', max: 1, per: 'P1D' },
    { channel: 'any', max: 5, per: 'P7D' },
  ],
  quietHours: { start: '21:00', end: '09:00' },
  defaultTimezone: 'UTC',
  care: { window: 'P14D', signals: ['detractor', 'refund', 'cancellation', 'complaint', 'low_review'] },
};

const CAPS_NOTES = [
  'Frequency caps override every rule (except rules with `caps.exempt`): a step goes out on the first channel of its list',
  'that the customer can receive and that is within every cap counting that channel (`any` counts all channels);',
  'when none is, the dispatch is logged `suppressed` with reason `capped:<cap channel>:<window>` (`capped:email:16h`).',
  'Messages count from the moment the engine queues them; suppressed, failed and exempt messages do not count.',
  '`quietHours` is local time in the customer’s zone (else `defaultTimezone`); a window whose start is later than its end',
  'crosses midnight. A step that comes due inside it is logged `deferred` with reason `quiet_hours` and `dueAt` at the end',
  'of the window, then fires again, caps included. A rule may override it with its own `quietHours` (null for none).',
  `Never set: ${DEFAULT_CAP_RULES.map((r) => `${r.channel} ${r.max}/${r.per}`).join(', ')}, quiet hours`,
  `${DEFAULT_QUIET_HOURS.start}-${DEFAULT_QUIET_HOURS.end}, defaultTimezone from DEFAULT_TIMEZONE (UTC).`,
  'The care window (`care`): after a detractor survey answer, a refund, a cancellation, a complaint or a review of at most',
  'two stars (the `signals` named) every marketing step of the customer, of every rule and campaign, is logged `suppressed`',
  'with reason `care:<signal>` for `window`, and their running sequences end; exempt rules and post_purchase rules still go.',
  `Without \`care\` (and never set): ${defaultCareSettings().window}, all five signals; \`signals: []\` turns it off.`,
].join(' ');

export const CAPS_SCHEMAS: SchemaComponents = componentsFromZod(
  {
    CapSettings: capSettingsSchema.meta({ description: CAPS_NOTES, example: CAPS_EXAMPLE }),
    QuietHours: quietHoursSchema,
    CareSettings: careSettingsSchema,
  },
  { io: 'input' },
);
