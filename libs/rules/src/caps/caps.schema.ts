import { z } from 'zod';
import defaultCapsFile from '../../../../config/default-caps.json';
import { parseIsoDuration } from '../iso-duration';
import { isTimeZone } from './local-time';

export const CAP_CHANNELS = ['email', 'webpush', 'any'] as const;
export type CapChannel = (typeof CAP_CHANNELS)[number];

/** The longest window a cap may count over; it also bounds how much history each decision reads. */
export const MAX_CAP_DAYS = 90;

/**
 * A cap window is whole hours (PTnH, rolling) or whole days or weeks (PnD, PnW, counted in the
 * customer's local calendar days). Mixed forms such as P1DT12H are refused because they would be
 * neither.
 */
export type CapWindow = { unit: 'hours'; count: number } | { unit: 'days'; count: number };

export function parseCapWindow(per: string): CapWindow | null {
  const match = /^(?:PT(\d+)H|P(\d+)D|P(\d+)W)$/.exec(per);
  if (match === null) return null;
  const [, hours, days, weeks] = match;
  const window: CapWindow =
    hours !== undefined
      ? { unit: 'hours', count: Number(hours) }
      : { unit: 'days', count: days !== undefined ? Number(days) : Number(weeks) * 7 };
  const spanDays = window.unit === 'hours' ? window.count / 24 : window.count;
  return window.count >= 1 && spanDays <= MAX_CAP_DAYS ? window : null;
}

/** How a window is named in a dispatch reason: `16h`, `1d`, `7d`. */
export function capWindowLabel(window: CapWindow): string {
  return `${window.count}${window.unit === 'hours' ? 'h' : 'd'}`;
}

export const capRuleSchema = z.strictObject({
  channel: z.enum(CAP_CHANNELS).meta({ description: 'the channel whose messages the cap counts; `any` counts all' }),
  max: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .meta({ description: 'the most messages a customer gets within `per`' }),
  per: z
    .string()
    .refine(
      (per) => parseCapWindow(per) !== null,
      `must be whole hours (PT16H, rolling) or whole days or weeks (P1D, P7D, P1W, counted in the customer's local days), at most ${MAX_CAP_DAYS} days`,
    )
    .meta({
      description: `whole hours (PT16H, a rolling window) or whole days or weeks (P1D, P7D, P1W) counted in the customer’s local calendar days: P1D is today since local midnight, P7D today and the six days before; at most ${MAX_CAP_DAYS} days`,
      example: 'PT16H',
    }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be local time HH:MM');

/** A daily window in the customer's local time; `start` after `end` crosses midnight (21:00-09:00). */
export const quietHoursSchema = z
  .strictObject({ start: hhmm, end: hhmm })
  .refine((window) => window.start !== window.end, {
    path: ['end'],
    message: 'must differ from start (set quietHours to null for none)',
  })
  .meta({ description: 'A daily window in the customer’s local time, HH:MM; start later than end crosses midnight.' });

export const timeZoneSchema = z
  .string()
  .refine((zone) => isTimeZone(zone), 'must be an IANA time zone such as Europe/Berlin')
  .meta({ description: 'an IANA time zone', example: 'Europe/Berlin' });

/** What puts a customer in care (CONTRACT §8): an unhappy moment after which nobody sells to them for a while. */
export const CARE_SIGNALS = ['detractor', 'refund', 'cancellation', 'complaint', 'low_review'] as const;
export type CareSignal = (typeof CARE_SIGNALS)[number];

const HOUR_MS = 3_600_000;
/** The longest care window: a year without marketing is as long as "for a while" can sensibly mean. */
export const MAX_CARE_DAYS = 365;

export const careSettingsSchema = z
  .strictObject({
    window: z
      .string()
      .refine((window) => {
        const ms = parseIsoDuration(window);
        return ms !== null && ms >= HOUR_MS && ms <= MAX_CARE_DAYS * 24 * HOUR_MS;
      }, `must be an ISO 8601 duration (P14D, P2W, PT48H) from one hour to ${MAX_CARE_DAYS} days`)
      .meta({ description: 'how long after a signal the customer stays in care', example: 'P14D' }),
    signals: z
      .array(z.enum(CARE_SIGNALS))
      .max(CARE_SIGNALS.length)
      .refine((signals) => new Set(signals).size === signals.length, 'must not name a signal twice')
      .meta({ description: 'the signals that put a customer in care; `[]` turns the care window off' }),
  })
  .meta({
    description:
      'The care window: after one of `signals` marketing steps are suppressed with reason `care:<signal>` for `window`; ' +
      'exempt rules and post_purchase rules still go.',
  });

export type CareSettings = z.output<typeof careSettingsSchema>;

/** The contract's default, and what a PUT without `care` means: all five signals, two weeks. */
export function defaultCareSettings(): CareSettings {
  return { window: 'P14D', signals: [...CARE_SIGNALS] };
}

/** What PUT /v1/caps takes and GET /v1/caps answers (CONTRACT §3, `care` §8). */
export const capSettingsSchema = z.strictObject({
  rules: z.array(capRuleSchema).max(20).meta({ description: 'every cap counting a channel must hold; `[]`: no caps' }),
  quietHours: quietHoursSchema.nullable().meta({ description: 'null: no quiet hours' }),
  defaultTimezone: timeZoneSchema.meta({ description: 'the time zone of customers who have none of their own' }),
  care: careSettingsSchema.default(defaultCareSettings),
});

export type CapRule = z.output<typeof capRuleSchema>;
export type QuietHours = z.output<typeof quietHoursSchema>;
export type CapSettings = z.output<typeof capSettingsSchema>;

/** What config/default-caps.json holds: caps settings without the time zone (DEFAULT_TIMEZONE gives that). */
const defaultCapsFileSchema = z.strictObject({
  $comment: z.string().optional(),
  rules: capSettingsSchema.shape.rules,
  quietHours: quietHoursSchema,
});

export type DefaultCaps = Pick<CapSettings, 'rules'> & { quietHours: QuietHours };

/** Checks the content of config/default-caps.json, naming every wrong field. */
export function parseDefaultCaps(file: unknown): DefaultCaps {
  const parsed = defaultCapsFileSchema.safeParse(file);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`config/default-caps.json: ${problems.join('; ')}`);
  }
  return { rules: parsed.data.rules, quietHours: parsed.data.quietHours };
}

/**
 * Until a marketer sets caps, the deployment's defaults in config/default-caps.json apply (Klaviyo's
 * and Braze's habits as shipped). Checked when this module loads, so a bad file stops every service
 * at start-up rather than at the first decision.
 */
const defaultCaps = parseDefaultCaps(defaultCapsFile);

export const DEFAULT_CAP_RULES: readonly CapRule[] = defaultCaps.rules;

export const DEFAULT_QUIET_HOURS: QuietHours = defaultCaps.quietHours;

export function defaultCapSettings(defaultTimezone: string): CapSettings {
  return {
    rules: DEFAULT_CAP_RULES.map((rule) => ({ ...rule })),
    quietHours: { ...DEFAULT_QUIET_HOURS },
    defaultTimezone,
    care: defaultCareSettings(),
  };
}
