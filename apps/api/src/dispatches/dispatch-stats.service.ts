import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ANONYMOUS_PREFIX } from '@beckon/events';
import { AttributionWindows, longestAttributionWindowMs } from '@beckon/rules';
import { DispatchStatsQuery, StatsBucket } from './dispatch-query.schemas';
import { GroupOutcome, reasonCounts, RuleInfo, ruleFunnels, RuleStats, StepConversions } from './rule-funnel';

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
  attribution_windows: Partial<AttributionWindows>;
  step_count: number;
}

/**
 * GET /v1/dispatches/stats in four statements whatever the number of rules: the rules, one pass over
 * the range's dispatches for every count (grouping sets), the conversions, and the holdout groups.
 * Dispatches count by created_at in [since, until), with their current status.
 */
@Injectable()
export class DispatchStatsService {
  constructor(private readonly db: DataSource) {}

  async stats(query: DispatchStatsQuery): Promise<DispatchStats> {
    const rules = await this.rules(query.ruleId);
    const [counts, conversions, groups] = await Promise.all([
      this.counts(query),
      this.conversions(query),
      this.groups(query, rules),
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
      `SELECT id, name, trigger, holdout_percent, attribution_windows, jsonb_array_length(steps) AS step_count
         FROM rules WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id = $1::uuid)
        ORDER BY name, id`,
      [ruleId ?? null],
    );
  }

  /** Every count of the answer in one scan of the range: grouping sets share it. */
  private counts(query: DispatchStatsQuery): Promise<CountRow[]> {
    const params: unknown[] = [query.since, query.until, query.bucket];
    const byRule = query.ruleId === undefined ? '' : `AND rule_id = $${params.push(query.ruleId)}`;
    return this.db.query(
      `SELECT grouping(rule_id, step, reason, at)::int AS grouping_set, rule_id, step, channel, status, reason, at,
              count(*)::int AS count
         FROM (SELECT rule_id, step, channel, status, reason, date_trunc($3, created_at, 'UTC') AS at
                 FROM dispatches
                WHERE created_at >= $1 AND created_at < $2 ${byRule}) d
        GROUP BY GROUPING SETS ((rule_id, channel, status, reason), (at, channel, status), (rule_id, step, status))
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
   * Messaged (sent a message of the rule in the range) and held-out customers of each rule, and
   * how many of each ordered within the rule's longest attribution window after their first such
   * dispatch: sent_at for the messaged, the holdout decision (updated_at: holdout rows never change
   * again) for the held out. A visitor's orders moved to the user they merged into, so look there.
   */
  private async groups(query: DispatchStatsQuery, rules: readonly RuleRow[]): Promise<GroupOutcome[]> {
    if (rules.length === 0) return [];
    const windows = Object.fromEntries(rules.map((r) => [r.id, longestAttributionWindowMs(r.attribution_windows)]));
    const params: unknown[] = [query.since, query.until, JSON.stringify(windows), ANONYMOUS_PREFIX];
    const byRule = query.ruleId === undefined ? '' : `AND d.rule_id = $${params.push(query.ruleId)}`;
    const rows: Array<{ rule_id: string; held_out: boolean; customers: number; converted: number; revenue: number }> =
      await this.db.query(
        `WITH windows AS (
           SELECT key::uuid AS rule_id, value::bigint * interval '1 millisecond' AS span FROM jsonb_each_text($3::jsonb)
         ), members AS (
           SELECT rule_id, held_out, owner, min(from_at) AS from_at
             FROM (SELECT d.rule_id, d.status = 'holdout' AS held_out,
                          CASE WHEN starts_with(d.customer_id, $4)
                               THEN COALESCE((SELECT c.merged_into FROM customers c WHERE c.id = d.customer_id), d.customer_id)
                               ELSE d.customer_id END AS owner,
                          CASE WHEN d.status = 'sent' THEN d.sent_at ELSE d.updated_at END AS from_at
                     FROM dispatches d
                    WHERE d.created_at >= $1 AND d.created_at < $2 AND d.status IN ('sent', 'holdout') ${byRule}) d
            GROUP BY 1, 2, 3
         ), outcomes AS (
           SELECT m.rule_id, m.held_out, m.owner, count(o.id) AS orders, sum(o.total) AS revenue
             FROM members m
             JOIN windows w ON w.rule_id = m.rule_id
             LEFT JOIN orders o ON o.customer_id = m.owner AND o.placed_at > m.from_at AND o.placed_at <= m.from_at + w.span
            GROUP BY 1, 2, 3
         )
         SELECT rule_id, held_out, count(*)::int AS customers, count(*) FILTER (WHERE orders > 0)::int AS converted,
                COALESCE(sum(revenue), 0)::float8 AS revenue
           FROM outcomes GROUP BY rule_id, held_out`,
        params,
      );
    return rows.map((row) => ({
      ruleId: row.rule_id,
      heldOut: row.held_out,
      customers: row.customers,
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
