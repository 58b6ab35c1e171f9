import { countNpsAnswers, NO_NPS_ANSWERS, NpsCounts, npsSummary, NpsSummary } from '@beckon/rules';
import { DispatchStatsQuery } from './dispatch-query.schemas';
import { RuleStats } from './rule-funnel';

/** The trigger whose rules ask the survey (CONTRACT.md §8); only their entries in `rules` carry `nps`. */
export const SURVEY_TRIGGER = 'post_purchase';

/** Which grouping set a row of the answers query belongs to: grouping(rule_id, at). */
export const NPS_OF_SHOP = 0b11;
export const NPS_BY_RULE = 0b01;
export const NPS_BY_BUCKET = 0b10;

export interface NpsScoreRow {
  grouping_set: number;
  rule_id: string | null;
  at: Date | null;
  score: number;
  count: number;
}

export interface NpsPoint extends NpsSummary {
  at: Date;
}

export interface NpsStats {
  shop: NpsSummary;
  byRule: Map<string, NpsSummary>;
  series: NpsPoint[];
}

/**
 * The answers given in [since, until) (by answered_at, on its index), counted per score for the
 * shop, per rule and per bucket in one pass: at most eleven rows per group, classified by
 * npsGroup afterwards so the groups are defined in one place.
 */
export function npsQuery(query: DispatchStatsQuery): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT grouping(rule_id, at)::int AS grouping_set, rule_id, at, score, count(*)::int AS count
            FROM (SELECT rule_id, date_trunc($3, answered_at, 'UTC') AS at, score FROM survey_answers
                   WHERE answered_at >= $1 AND answered_at < $2) AS a
           GROUP BY GROUPING SETS ((score), (rule_id, score), (at, score))
           ORDER BY grouping_set, rule_id, at, score`,
    params: [query.since, query.until, query.bucket],
  };
}

/** Folds the score counts into summaries; buckets without answers are left out, like `series`. */
export function foldNps(rows: readonly NpsScoreRow[]): NpsStats {
  const shop: NpsCounts = { ...NO_NPS_ANSWERS };
  const byRule = new Map<string, NpsCounts>();
  const byBucket = new Map<number, NpsCounts>();
  const countsOf = <K>(map: Map<K, NpsCounts>, key: K): NpsCounts => {
    const counts = map.get(key) ?? { ...NO_NPS_ANSWERS };
    map.set(key, counts);
    return counts;
  };
  for (const row of rows) {
    if (row.grouping_set === NPS_OF_SHOP) countNpsAnswers(shop, row.score, row.count);
    // Answers to no rule's message (rule_id NULL) count for the shop only.
    else if (row.grouping_set === NPS_BY_RULE && row.rule_id !== null)
      countNpsAnswers(countsOf(byRule, row.rule_id), row.score, row.count);
    else if (row.grouping_set === NPS_BY_BUCKET && row.at !== null)
      countNpsAnswers(countsOf(byBucket, row.at.getTime()), row.score, row.count);
  }
  return {
    shop: npsSummary(shop),
    byRule: new Map([...byRule].map(([ruleId, counts]) => [ruleId, npsSummary(counts)])),
    series: [...byBucket]
      .sort(([a], [b]) => a - b)
      .map(([at, counts]) => ({ at: new Date(at), ...npsSummary(counts) })),
  };
}

export const asksSurvey = (rule: { trigger: string }): boolean => rule.trigger === SURVEY_TRIGGER;

/** Each post_purchase rule gets its answers' NPS (no answers: zero counts, score null); others none. */
export function withNps(rules: readonly RuleStats[], byRule: ReadonlyMap<string, NpsSummary>): RuleStats[] {
  return rules.map((rule) =>
    asksSurvey(rule) ? { ...rule, nps: byRule.get(rule.ruleId) ?? npsSummary(NO_NPS_ANSWERS) } : rule,
  );
}
