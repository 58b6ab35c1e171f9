// Types of stats-model.js for its unit test (the browser runs the .js as is; this file is not served).

export interface StatsRow {
  ruleId: string;
  channel: string | null;
  status: string;
  reason: string | null;
  count: number;
}

export interface Outcome {
  conversions: number;
  revenue: number;
  conversionRate: number;
}

/** Opens (weak: privacy proxies load every pixel) and clicks over the messages sent. */
export interface Engagement {
  opened: number;
  clicked: number;
  openRate: number;
  clickRate: number;
}

export interface StepStats extends Outcome, Partial<Engagement> {
  step: number;
  triggered: number;
  sent: number;
  failed: number;
  suppressed: number;
}

export interface Holdout {
  messaged: Outcome & { customers: number };
  heldOut: Outcome & { customers: number };
  uplift: number | null;
}

export interface Nps {
  promoters: number;
  passives: number;
  detractors: number;
  answers: number;
  score: number | null;
}

export interface RuleStats extends Outcome {
  ruleId: string;
  name: string;
  trigger: string;
  holdoutPercent: number;
  triggered: number;
  sent: number;
  steps: StepStats[];
  holdout: Holdout;
  nps?: Nps;
  opened?: number;
  clicked?: number;
  openRate?: number;
  clickRate?: number;
}

/** GET /v1/dispatches/stats: `rows` always; the rest only from an API that reports them. */
export interface Stats {
  since: string;
  until: string;
  bucket?: 'hour' | 'day';
  rows: StatsRow[];
  series?: Array<{ at: string; channel: string | null; status: string; count: number }>;
  reasons?: Array<{ reason: string; status: string; count: number }>;
  rules?: RuleStats[];
  nps?: Nps;
  npsSeries?: Array<Nps & { at: string }>;
}

export interface RuleFunnel {
  ruleId: string;
  name: string;
  trigger?: string;
  holdoutPercent?: number;
  triggered: number;
  sent: number;
  suppressed: number;
  failed: number;
  conversions?: number;
  revenue?: number;
  conversionRate?: number;
  steps?: StepStats[];
  holdout?: Holdout;
  nps?: Nps;
  opened?: number;
  clicked?: number;
  openRate?: number;
  clickRate?: number;
}

export function resolveRange(
  preset: string,
  customSince: string,
  customUntil: string,
  now?: number,
): { since: Date; until: Date };
export function bucketStarts(since: string | Date, until: string | Date, bucket: 'hour' | 'day'): number[] | null;
export function timeline(
  stats: Stats,
  channel?: string,
): { bucket: 'hour' | 'day'; labels: string[]; datasets: Array<{ status: string; data: number[] }> } | null;
export function npsTimeline(
  stats: Stats,
): { bucket: 'hour' | 'day'; labels: string[]; score: Array<number | null>; answers: number[] } | null;
export function shopNps(stats: Stats): Nps | undefined;
export function reasons(stats: Stats): Array<{ reason: string; status: string; count: number }>;
export function funnel(stats: Stats, rulesById?: Map<string, { name: string; trigger: string }>): RuleFunnel[];
export function totals(
  stats: Stats,
  rules: RuleFunnel[],
): {
  dispatches: number;
  sent: number;
  suppressed: number;
  failed: number;
  conversions?: number;
  revenue?: number;
};
