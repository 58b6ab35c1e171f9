import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DispatchStatsQuery, StatsBucket } from './dispatch-query.schemas';
import { GroupOutcome, reasonCounts, RuleInfo, ruleFunnels, RuleStats, StepConversions } from './rule-funnel';
import { Span, statsSources } from './stats-sources';

export interface DispatchStatsRow {
  ruleId: string;
  channel: string | null;
  status: string;
  reason: string | null;
  count: number;
}

export interface SeriesPoint {
  at: Date;
  channel: string | null;
  status: string;
  count: number;
}

export interface DispatchStats {
  since: Date;
  until: Date;
  bucket: StatsBucket;
  rows: DispatchStatsRow[];
  series: SeriesPoint[];
  reasons: Array<{ reason: string; status: string; count: number }>;
  rules: RuleStats[];
}

const KEY = 'rule_id, step, channel, status, reason';

/** Which grouping set a row of the counting query belongs to: grouping(rule_id, step, reason, at). */
const BY_RULE_CHANNEL_STATUS_REASON = 0b0101;
const BY_BUCKET_CHANNEL_STATUS = 0b1110;
const BY_RULE_STEP_STATUS = 0b0011;

interface CountRow {
  grouping_set: number;
  rule_id: string | null;
  step: number | null;
  channel: string | null;
  status: string;
  reason: string | null;
  at: Date | null;
  count: number;
}

interface RuleRow {
  id: string;
  name: string;
  trigger: string;
  holdout_percent: string;
  step_count: number;
}

/**
 * GET /v1/dispatches/stats in four statements whatever the number of rules or the length of the
 * range: the rules, every dispatch count (from the hourly and daily counters), the conversions, and
 * the holdout groups' orders. Dispatches count by created_at in [since, until), with their current status.
 */
@Injectable()
export class DispatchStatsService {
  constructor(private readonly db: DataSource) {}

  async stats(query: DispatchStatsQuery): Promise<DispatchStats> {
    const [rules, counts, conversions, groups] = await Promise.all([
      this.rules(query.ruleId),
      this.counts(query),
      this.conversions(query),
      this.groups(query),
    ]);
    const of = (set: number) => counts.filter((row) => row.grouping_set === set);
    const rows = of(BY_RULE_CHANNEL_STATUS_REASON).map((row) => ({
      ruleId: row.rule_id as string,
      channel: row.channel,
      status: row.status,
      reason: row.reason,
      count: row.count,
    }));
    const active = new Set(rows.map((row) => row.ruleId));
    return {
      since: query.since,
      until: query.until,
      bucket: query.bucket,
      rows,
      series: of(BY_BUCKET_CHANNEL_STATUS).map((row) => ({
        at: row.at as Date,
        channel: row.channel,
        status: row.status,
        count: row.count,
      })),
      reasons: reasonCounts(rows),
      rules: ruleFunnels(
        rules.map(toRuleInfo),
        of(BY_RULE_STEP_STATUS).map((row) => ({
          ruleId: row.rule_id as string,
          step: row.step as number,
          status: row.status,
          count: row.count,
        })),
        conversions,
        groups,
        (rule) => active.has(rule.id) || rule.id === query.ruleId,
      ),
    };
  }

  /** Live rules (or the one asked for), by name. */
  private rules(ruleId: string | undefined): Promise<RuleRow[]> {
    return this.db.query(
      `SELECT id, name, trigger, holdout_percent, jsonb_array_length(steps) AS step_count
         FROM rules WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id = $1::uuid)
        ORDER BY name, id`,
      [ruleId ?? null],
    );
  }

  /**
   * Every count of the answer in one statement: whole days and hours from the counters (plus the
   * deltas not folded into them yet), the partial hours at the ends from the rows; grouping sets
   * share the one pass.
   */
  private counts(query: DispatchStatsQuery): Promise<CountRow[]> {
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
    return this.db.query(
      `SELECT grouping(rule_id, step, reason, at)::int AS grouping_set, rule_id, step, NULLIF(channel, '') AS channel,
              status, NULLIF(reason, '') AS reason, at, sum(n)::int AS count
         FROM (SELECT date_trunc($1, at, 'UTC') AS at, ${KEY}, n FROM (${parts.join(' UNION ALL ')}) AS s) AS d
        GROUP BY GROUPING SETS ((rule_id, channel, status, reason), (at, channel, status), (rule_id, step, status))
       HAVING sum(n) <> 0
        ORDER BY grouping_set, rule_id, at, step, channel NULLS FIRST, status, reason NULLS FIRST`,
      params,
    );
  }

  /** Orders attributed to the range's dispatches, per rule and step. */
  private async conversions(query: DispatchStatsQuery): Promise<StepConversions[]> {
    const params: unknown[] = [query.since, query.until];
    const byRule = query.ruleId === undefined ? '' : `AND rule_id = $${params.push(query.ruleId)}`;
    const rows: Array<{ rule_id: string; step: number; conversions: number; revenue: number }> = await this.db.query(
      `SELECT rule_id, step, count(*)::int AS conversions, COALESCE(sum(revenue), 0)::float8 AS revenue
         FROM conversions
        WHERE dispatch_created_at >= $1 AND dispatch_created_at < $2 ${byRule}
        GROUP BY rule_id, step`,
      params,
    );
    return rows.map((row) => ({
      ruleId: row.rule_id,
      step: row.step,
      conversions: row.conversions,
      revenue: row.revenue,
    }));
  }

  /**
   * How many of the range's sequences of each rule (first step sent, or held out) were followed by
   * an order within the rule's longest attribution window, and those orders' total: sequence_orders,
   * filled as orders arrive. Group sizes come from the counts.
   */
  private async groups(query: DispatchStatsQuery): Promise<GroupOutcome[]> {
    const params: unknown[] = [query.since, query.until];
    const byRule = query.ruleId === undefined ? '' : `AND rule_id = $${params.push(query.ruleId)}`;
    const rows: Array<{ rule_id: string; held_out: boolean; converted: number; revenue: number }> = await this.db.query(
      `SELECT rule_id, held_out, count(DISTINCT dispatch_id)::int AS converted, COALESCE(sum(revenue), 0)::float8 AS revenue
         FROM sequence_orders
        WHERE dispatch_created_at >= $1 AND dispatch_created_at < $2 ${byRule}
        GROUP BY rule_id, held_out`,
      params,
    );
    return rows.map((row) => ({
      ruleId: row.rule_id,
      heldOut: row.held_out,
      converted: row.converted,
      revenue: row.revenue,
    }));
  }
}

function toRuleInfo(row: RuleRow): RuleInfo {
  return {
    id: row.id,
    name: row.name,
    trigger: row.trigger,
    holdoutPercent: Number(row.holdout_percent),
    stepCount: row.step_count,
  };
}
