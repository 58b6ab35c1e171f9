import { z } from 'zod';
import { DISPATCH_STATUSES } from '@beckon/contracts';
import { CHANNELS } from '@beckon/rules';
import { decodeCursor } from './dispatch-cursor';

export const MAX_PAGE_SIZE = 500;
const DEFAULT_STATS_RANGE_MS = 7 * 24 * 3600 * 1000;

// Query values arrive as strings; an ISO datetime with an offset is the one unambiguous instant.
// Years 0001-9999 in UTC: an offset can push 9999-12-31T23:59:59-23:59 past what ISO 8601 (and the
// SQL built from it) can write, which must be the client's 400, not the database's 500.
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2025-01-31T12:00:00Z' })
  .refine((value) => {
    const at = Date.parse(value);
    return at >= FIRST_INSTANT && at <= LAST_INSTANT;
  }, 'must be between years 0001 and 9999 in UTC');

const range = <T extends { since?: string; until?: string }>(query: T, ctx: z.RefinementCtx): void => {
  if (query.since !== undefined && query.until !== undefined && Date.parse(query.since) >= Date.parse(query.until)) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
  }
};

export const dispatchLogQuerySchema = z
  .strictObject({
    ruleId: z.guid({ message: 'must be a uuid' }).optional(),
    customerId: z.string().min(1).max(255).optional(),
    channel: z.enum(CHANNELS).optional(),
    status: z.enum(DISPATCH_STATUSES).optional(),
    reason: z.string().min(1).max(200).meta({ example: 'capped:email:16h' }).optional(),
    since: instant.meta({ description: 'created at or after' }).optional(),
    until: instant.meta({ description: 'created before' }).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    cursor: z
      .string()
      .transform((value, ctx) => {
        const cursor = decodeCursor(value);
        if (cursor === null) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
        return cursor ?? undefined;
      })
      .meta({ description: '`nextCursor` of the previous page' })
      .optional(),
  })
  .superRefine(range);

export type DispatchLogQuery = z.output<typeof dispatchLogQuerySchema>;

export const STATS_BUCKETS = ['hour', 'day'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];
/** Up to three days are shown per hour (at most 72 points), longer ranges per day. */
const HOURLY_UP_TO_MS = 72 * 3600 * 1000;

/** Without bounds the stats cover the seven days up to now. */
export const dispatchStatsQuerySchema = z
  .strictObject({
    since: instant.optional(),
    until: instant.optional(),
    ruleId: z.guid({ message: 'must be a uuid' }).optional(),
    bucket: z
      .enum(STATS_BUCKETS, { message: 'must be hour or day' })
      .meta({ description: 'width of the `series` buckets (UTC); default hour for ranges up to 72 hours, else day' })
      .optional(),
  })
  .superRefine(range)
  .transform((query, ctx) => {
    const until = query.until === undefined ? new Date() : new Date(query.until);
    const since =
      query.since === undefined ? new Date(until.getTime() - DEFAULT_STATS_RANGE_MS) : new Date(query.since);
    // With one bound left to its default, the range can still be empty (since in the future).
    if (since.getTime() >= until.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: [query.until === undefined ? 'since' : 'until'],
        message: 'must leave since before until',
      });
      return z.NEVER;
    }
    const bucket: StatsBucket = query.bucket ?? (until.getTime() - since.getTime() <= HOURLY_UP_TO_MS ? 'hour' : 'day');
    return { since, until, ruleId: query.ruleId, bucket };
  });

export type DispatchStatsQuery = z.output<typeof dispatchStatsQuerySchema>;
