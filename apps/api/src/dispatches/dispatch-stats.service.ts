import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NpsSummary } from '@beckon/rules';
import { DispatchStatsQuery, StatsBucket } from './dispatch-query.schemas';
import { GroupOutcome, reasonCounts, RuleInfo, ruleFunnels, RuleStats, StepConversions } from './rule-funnel';
import {
  BY_BUCKET_CHANNEL_STATUS,
  BY_RULE_CHANNEL_STATUS_REASON,
  BY_RULE_STEP_STATUS,
  CountRow,
  countsQuery,
} from './dispatch-counts.query';
import { StepEngagementCount, withEngagement } from './engagement-stats';
import { asksSurvey, foldNps, NpsPoint, npsQuery, NpsScoreRow, withNps } from './nps-stats';

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
  /** The shop's NPS: every survey answer given in the range, whatever `ruleId` says. */
  nps: NpsSummary;
  npsSeries: NpsPoint[];
}

interface RuleRow {
  id: string;
  name: string;
  trigger: string;
  holdout_percent: string;
  step_count: number;
}

/**
 * GET /v1/dispatches/stats in five statements whatever the number of rules or the length of the
 * range: the rules, every dispatch count (from the hourly and daily counters), the conversions, the
 * holdout groups' orders and the survey answers. Dispatches count by created_at in [since, until),
 * with their current status; answers by answered_at.
 */
@Injectable()
export class DispatchStatsService {
  constructor(private readonly db: DataSource) {}

  async stats(query: DispatchStatsQuery): Promise<DispatchStats> {
    const [rules, counts, conversions, groups, answers, engaged] = await Promise.all([
      this.rules(query.ruleId),
      this.counts(query),
      this.conversions(query),
      this.groups(query),
      this.answers(query),
      this.engaged(query),
    ]);
    const nps = foldNps(answers);
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
      rules: withEngagement(
        withNps(
          ruleFunnels(
            rules.map(toRuleInfo),
            of(BY_RULE_STEP_STATUS).map((row) => ({
              ruleId: row.rule_id as string,
              step: row.step as number,
              status: row.status,
              count: row.count,
            })),
            conversions,
            groups,
            // A survey answered in the range lists its rule even when the messages went out before it.
            (rule) => active.has(rule.id) || rule.id === query.ruleId || (asksSurvey(rule) && nps.byRule.has(rule.id)),
          ),
          nps.byRule,
        ),
        engaged,
      ),
      nps: nps.shop,
      npsSeries: nps.series,
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

  private counts(query: DispatchStatsQuery): Promise<CountRow[]> {
    const { sql, params } = countsQuery(query);
    return this.db.query(sql, params);
  }

  private answers(query: DispatchStatsQuery): Promise<NpsScoreRow[]> {
    const { sql, params } = npsQuery(query);
    return this.db.query(sql, params);
  }

  /** Orders attributed to the range's dispatches, per rule and step. */
  private async conversions(query: DispatchStatsQuery): Promise<StepConversions[]> {
    const rows = await this.byDispatchTime<{ rule_id: string; step: number; conversions: number; revenue: number }>(
      query,
      (range) => `SELECT rule_id, step, count(*)::int AS conversions, COALESCE(sum(revenue), 0)::float8 AS revenue
                    FROM conversions WHERE ${range} GROUP BY rule_id, step`,
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
    const rows = await this.byDispatchTime<{ rule_id: string; held_out: boolean; converted: number; revenue: number }>(
      query,
      (range) => `SELECT rule_id, held_out, count(DISTINCT dispatch_id)::int AS converted,
                         COALESCE(sum(revenue), 0)::float8 AS revenue
                    FROM sequence_orders WHERE ${range} GROUP BY rule_id, held_out`,
    );
    return rows.map((row) => ({
      ruleId: row.rule_id,
      heldOut: row.held_out,
      converted: row.converted,
      revenue: row.revenue,
    }));
  }

  /**
   * Dispatches created in the range opened or clicked, per rule and step: read from the partial
   * index of engaged dispatches, never the messages nobody opened.
   */
  private async engaged(query: DispatchStatsQuery): Promise<StepEngagementCount[]> {
    const params: unknown[] = [query.since, query.until];
    const byRule = query.ruleId === undefined ? '' : `AND rule_id = $${params.push(query.ruleId)}`;
    const rows: Array<{ rule_id: string; step: number; opened: number; clicked: number }> = await this.db.query(
      `SELECT rule_id, step, count(opened_at)::int AS opened, count(clicked_at)::int AS clicked
         FROM dispatches
        WHERE (opened_at IS NOT NULL OR clicked_at IS NOT NULL) AND created_at >= $1 AND created_at < $2 ${byRule}
        GROUP BY rule_id, step`,
      params,
    );
    return rows.map((row) => ({ ruleId: row.rule_id, step: row.step, opened: row.opened, clicked: row.clicked }));
  }

  /** Orders recorded against dispatches created in the range (and of the rule asked for). */
  private byDispatchTime<T>(query: DispatchStatsQuery, sql: (range: string) => string): Promise<T[]> {
    const params: unknown[] = [query.since, query.until];
    const byRule = query.ruleId === undefined ? '' : `AND rule_id = $${params.push(query.ruleId)}`;
    return this.db.query(sql(`dispatch_created_at >= $1 AND dispatch_created_at < $2 ${byRule}`), params);
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
