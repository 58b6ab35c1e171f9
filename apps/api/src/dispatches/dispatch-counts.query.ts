import { DispatchStatsQuery } from './dispatch-query.schemas';
import { Span, statsSources } from './stats-sources';

const KEY = 'rule_id, step, channel, status, reason';

/** Which grouping set a row of the counting query belongs to: grouping(rule_id, step, reason, at). */
export const BY_RULE_CHANNEL_STATUS_REASON = 0b0101;
export const BY_BUCKET_CHANNEL_STATUS = 0b1110;
export const BY_RULE_STEP_STATUS = 0b0011;

export interface CountRow {
  grouping_set: number;
  rule_id: string | null;
  step: number | null;
  channel: string | null;
  status: string;
  reason: string | null;
  at: Date | null;
  count: number;
}

/**
 * Every count of the answer in one statement: whole days and hours from the counters (plus the
 * deltas not folded into them yet), the partial hours at the ends from the rows; grouping sets
 * share the one pass.
 */
export function countsQuery(query: DispatchStatsQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [query.bucket];
  const param = (value: unknown) => `$${params.push(value)}`;
  const within = (column: string, spans: readonly Span[]) =>
    `(${spans.map((s) => `(${column} >= ${param(s.from)} AND ${column} < ${param(s.to)})`).join(' OR ')})`;
  const byRule = query.ruleId === undefined ? '' : `AND rule_id = ${param(query.ruleId)}`;
  const { days, hours, raw } = statsSources(query.since, query.until, query.bucket);
  const counted = [...hours, ...(days === null ? [] : [days])];
  const parts = [
    days && `SELECT day AS at, ${KEY}, n FROM dispatch_counts_daily WHERE ${within('day', [days])} ${byRule}`,
    hours.length > 0 &&
      `SELECT hour AS at, ${KEY}, n FROM dispatch_counts_hourly WHERE ${within('hour', hours)} ${byRule}`,
    counted.length > 0 &&
      `SELECT hour AS at, ${KEY}, n FROM dispatch_count_deltas WHERE ${within('hour', counted)} ${byRule}`,
    raw.length > 0 &&
      `SELECT created_at AS at, rule_id, step, COALESCE(channel, '') AS channel, status, COALESCE(reason, '') AS reason, 1 AS n
         FROM dispatches WHERE ${within('created_at', raw)} ${byRule}`,
  ].filter((part): part is string => typeof part === 'string');
  const sql = `SELECT grouping(rule_id, step, reason, at)::int AS grouping_set, rule_id, step, NULLIF(channel, '') AS channel,
            status, NULLIF(reason, '') AS reason, at, sum(n)::int AS count
       FROM (SELECT date_trunc($1, at, 'UTC') AS at, ${KEY}, n FROM (${parts.join(' UNION ALL ')}) AS s) AS d
      GROUP BY GROUPING SETS ((rule_id, channel, status, reason), (at, channel, status), (rule_id, step, status))
     HAVING sum(n) <> 0
      ORDER BY grouping_set, rule_id, at, step, channel NULLS FIRST, status, reason NULLS FIRST`;
  return { sql, params };
}
