import { z } from 'zod';
import { DISPATCH_STATUSES } from '@beckon/contracts';
import { CHANNELS } from '@beckon/rules';
import { decodeCursor } from './dispatch-cursor';

export const MAX_PAGE_SIZE = 500;
const DEFAULT_STATS_RANGE_MS = 7 * 24 * 3600 * 1000;

// Query values arrive as strings; an ISO datetime with an offset is the one unambiguous instant.
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2025-01-31T12:00:00Z' });

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
    reason: z.string().min(1).max(200).optional(),
    since: instant.optional(),
    until: instant.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    cursor: z
      .string()
      .transform((value, ctx) => {
        const cursor = decodeCursor(value);
        if (cursor === null) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
        return cursor ?? undefined;
      })
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
    bucket: z.enum(STATS_BUCKETS, { message: 'must be hour or day' }).optional(),
  })
  .superRefine(range)
  .transform((query) => {
    const until = query.until === undefined ? new Date() : new Date(query.until);
    const since =
      query.since === undefined ? new Date(until.getTime() - DEFAULT_STATS_RANGE_MS) : new Date(query.since);
    const bucket: StatsBucket = query.bucket ?? (until.getTime() - since.getTime() <= HOURLY_UP_TO_MS ? 'hour' : 'day');
    return { since, until, ruleId: query.ruleId, bucket };
  });

export type DispatchStatsQuery = z.output<typeof dispatchStatsQuerySchema>;
