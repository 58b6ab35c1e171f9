// Pure shaping of GET /v1/dispatches/stats into what the charts draw. An older API answers only
// `rows` (counts by rule, channel, status, reason): whatever can be derived from them still is, and
// what cannot (the time series, conversions) is reported as missing rather than drawn as zero.

import { STATUS_ORDER, utc } from './format.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const PRESETS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };
/** Beyond this many buckets the empty ones are not filled in (a year by the hour would be 8,760 bars). */
const MAX_FILLED_BUCKETS = 1000;

/** The range a preset means now, or the custom one (datetime-local values read as UTC). */
export function resolveRange(preset, customSince, customUntil, now = Date.now()) {
  if (preset in PRESETS) return { since: new Date(now - PRESETS[preset]), until: new Date(now) };
  const since = new Date(`${customSince}Z`);
  const until = new Date(`${customUntil}Z`);
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new Error('choose both ends of the range');
  if (since >= until) throw new Error('the range must end after it starts');
  return { since, until };
}

/** Bucket starts covering [since, until), UTC-aligned, or null when there would be too many. */
export function bucketStarts(since, until, bucket) {
  const step = bucket === 'day' ? DAY : HOUR;
  const first = Math.floor(new Date(since).getTime() / step) * step;
  const end = new Date(until).getTime();
  if ((end - first) / step > MAX_FILLED_BUCKETS) return null;
  const starts = [];
  for (let at = first; at < end; at += step) starts.push(at);
  return starts;
}

const channelMatches = (channel, wanted) =>
  wanted === 'all' || (wanted === 'none' ? channel === null : channel === wanted);

const byStatusOrder = (a, b) => {
  const rank = (status) => (STATUS_ORDER.includes(status) ? STATUS_ORDER.indexOf(status) : STATUS_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
};

/** The x axis of a series: every bucket of the range (or only those with points when too many), labelled. */
function axisOf(stats, points) {
  const bucket = stats.bucket === 'day' ? 'day' : 'hour';
  const starts = bucketStarts(stats.since, stats.until, bucket) ?? [
    ...new Set(points.map((point) => Date.parse(point.at))),
  ];
  starts.sort((a, b) => a - b);
  return {
    bucket,
    starts,
    index: new Map(starts.map((at, i) => [at, i])),
    labels: starts.map((at) => (bucket === 'day' ? new Date(at).toISOString().slice(0, 10) : utc(at))),
  };
}

/** Stacked series by status for one channel choice; null when the API reports no series. */
export function timeline(stats, channel = 'all') {
  if (!Array.isArray(stats.series)) return null;
  const points = stats.series.filter((point) => channelMatches(point.channel, channel));
  const { bucket, starts, index, labels } = axisOf(stats, points);
  const statuses = [...new Set(points.map((point) => point.status))].sort(byStatusOrder);
  const data = new Map(statuses.map((status) => [status, starts.map(() => 0)]));
  for (const point of points) {
    const i = index.get(Date.parse(point.at));
    if (i !== undefined) data.get(point.status)[i] += point.count;
  }
  return { bucket, labels, datasets: statuses.map((status) => ({ status, data: data.get(status) })) };
}

/**
 * The shop's NPS per bucket: the score (null in a bucket without answers, a gap rather than a
 * fake 0) and the answers counted; null when the API reports no NPS (an older version).
 */
export function npsTimeline(stats) {
  if (!Array.isArray(stats.npsSeries)) return null;
  const { bucket, starts, index, labels } = axisOf(stats, stats.npsSeries);
  const score = starts.map(() => null);
  const answers = starts.map(() => 0);
  for (const point of stats.npsSeries) {
    const i = index.get(Date.parse(point.at));
    if (i === undefined) continue;
    score[i] = point.score;
    answers[i] = point.answers;
  }
  return { bucket, labels, score, answers };
}

/** The shop's NPS over the range, or undefined from an API that does not report it. */
export const shopNps = (stats) => stats.nps ?? undefined;

/** Reasons with their status, most frequent first: the API's list, else summed from `rows`. */
export function reasons(stats) {
  if (Array.isArray(stats.reasons)) return stats.reasons;
  const totals = new Map();
  for (const row of stats.rows ?? []) {
    if (row.reason === null || row.reason === undefined) continue;
    const key = `${row.status}\u0000${row.reason}`;
    const entry = totals.get(key) ?? { reason: row.reason, status: row.status, count: 0 };
    entry.count += row.count;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** Counts per rule that `rows` always allow: decisions taken, and their outcomes. */
function countsFromRows(rows) {
  const perRule = new Map();
  for (const row of rows ?? []) {
    const rule = perRule.get(row.ruleId) ?? { triggered: 0, sent: 0, suppressed: 0, failed: 0 };
    if (row.status !== 'scheduled' && row.status !== 'holdout') rule.triggered += row.count;
    if (row.status === 'sent' || row.status === 'suppressed' || row.status === 'failed') rule[row.status] += row.count;
    perRule.set(row.ruleId, rule);
  }
  return perRule;
}

/**
 * One entry per rule with dispatches in the range, most triggered first. `conversions`, `revenue`,
 * `conversionRate`, `steps`, `holdout` and the opens and clicks are undefined when the API does not
 * report them; `nps`
 * is there for post_purchase rules only.
 */
export function funnel(stats, rulesById = new Map()) {
  const fromRows = countsFromRows(stats.rows);
  const reported = new Map((Array.isArray(stats.rules) ? stats.rules : []).map((rule) => [rule.ruleId, rule]));
  const ids = new Set([...reported.keys(), ...fromRows.keys()]);
  return [...ids]
    .map((ruleId) => {
      const counts = fromRows.get(ruleId) ?? { triggered: 0, sent: 0, suppressed: 0, failed: 0 };
      const rule = reported.get(ruleId) ?? {};
      const known = rulesById.get(ruleId);
      return {
        ruleId,
        name: rule.name ?? known?.name ?? `rule ${ruleId.slice(0, 8)} (deleted)`,
        trigger: rule.trigger ?? known?.trigger,
        holdoutPercent: rule.holdoutPercent,
        triggered: rule.triggered ?? counts.triggered,
        sent: rule.sent ?? counts.sent,
        suppressed: counts.suppressed,
        failed: counts.failed,
        conversions: rule.conversions,
        revenue: rule.revenue,
        conversionRate: rule.conversionRate,
        steps: rule.steps,
        opened: rule.opened,
        clicked: rule.clicked,
        openRate: rule.openRate,
        clickRate: rule.clickRate,
        holdout: rule.holdout,
        nps: rule.nps,
      };
    })
    .sort((a, b) => b.triggered - a.triggered || a.name.localeCompare(b.name));
}

const sum = (values) => values.reduce((total, value) => total + value, 0);

/** Headline figures; conversions and revenue only when the API reports them. */
export function totals(stats, rules) {
  const rows = stats.rows ?? [];
  const ofStatus = (status) => sum(rows.filter((row) => row.status === status).map((row) => row.count));
  const converting = rules.filter((rule) => typeof rule.conversions === 'number');
  return {
    dispatches: sum(rows.map((row) => row.count)),
    sent: ofStatus('sent'),
    suppressed: ofStatus('suppressed'),
    failed: ofStatus('failed'),
    conversions: converting.length > 0 ? sum(converting.map((rule) => rule.conversions)) : undefined,
    revenue: converting.length > 0 ? sum(converting.map((rule) => rule.revenue ?? 0)) : undefined,
  };
}
