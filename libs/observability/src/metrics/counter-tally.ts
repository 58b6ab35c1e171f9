import { Counter, LabelValues } from 'prom-client';

/**
 * Counts a batch's label combinations in memory, then adds each to its counter once: a batch of
 * 500 events costs a handful of increments, not 500.
 */
export class CounterTally<L extends string> {
  private readonly counts = new Map<string, { labels: LabelValues<L>; n: number }>();

  add(labels: LabelValues<L>, n = 1): this {
    if (n <= 0) return this;
    const key = JSON.stringify(labels);
    const entry = this.counts.get(key);
    if (entry === undefined) this.counts.set(key, { labels, n });
    else entry.n += n;
    return this;
  }

  /** The tallied combinations, for a caller that wants to look before counting. */
  entries(): Array<{ labels: LabelValues<L>; n: number }> {
    return [...this.counts.values()];
  }

  addTo(counter: Counter<L>): void {
    for (const { labels, n } of this.counts.values()) counter.inc(labels, n);
    this.counts.clear();
  }
}
