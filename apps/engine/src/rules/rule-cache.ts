import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RuleEngagementColumn, RulePacing } from '@beckon/persistence';
import { AttributionWindows, attributionWindows, Rule, RuleInput, Trigger } from '@beckon/rules';

interface RuleRow {
  id: string;
  name: string;
  trigger: Trigger;
  enabled: boolean;
  params: Record<string, unknown>;
  steps: unknown[];
  priority: number;
  pacing: RulePacing;
  holdout_percent: string;
  attribution_windows: Partial<AttributionWindows>;
  engagement: RuleEngagementColumn;
  created_at: Date;
  updated_at: Date;
}

/** The pool, or the connection of a transaction under way. */
type Queryable = Pick<DataSource | EntityManager, 'query'>;

/** Changes whenever a rule is created, changed or (soft-)deleted: the API stamps updated_at on every write. */
const VERSION_SQL = `SELECT count(*)::int AS n, max(updated_at) AS at FROM rules`;
const versionOf = (row: { n: number; at: Date | null }): string => `${row.n}:${row.at?.toISOString() ?? ''}`;

/**
 * Rules change rarely and are read on every batch, so the engine keeps them in memory and refreshes
 * them every few hundred milliseconds; the API writes them in another process. Work that must see
 * every rule committed before it started (an ingestion batch, a batch of due steps) first asks
 * refreshIfChanged, one tiny query.
 *
 * Work inside a transaction passes its EntityManager, so the cache queries on the connection that
 * work already holds: asking the pool for a second one while holding the first deadlocks once every
 * connection is held by a batch waiting for the rules (four partitions and the timers at start-up).
 */
@Injectable()
export class RuleCache {
  private rules = new Map<string, Rule>();
  private loadedAt = 0;
  private version = '';
  /** The newest rule change the loaded snapshot includes. */
  private stampedAt = 0;
  private loading: Promise<void> | null = null;
  static readonly TTL_MS = 500;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Live (not deleted) rules; disabled ones are included so a due step of a disabled rule can be ended. */
  async all(db: Queryable = this.dataSource): Promise<Map<string, Rule>> {
    if (Date.now() - this.loadedAt > RuleCache.TTL_MS) await this.refresh(db);
    return this.rules;
  }

  async enabledFor(trigger: Trigger, db: Queryable = this.dataSource): Promise<Rule[]> {
    const rules = await this.all(db);
    return [...rules.values()]
      .filter((rule) => rule.enabled && rule.trigger === trigger)
      .sort((a, b) => b.priority - a.priority);
  }

  async refreshIfChanged(db: Queryable = this.dataSource): Promise<void> {
    const [row] = await db.query(VERSION_SQL);
    const current = versionOf(row);
    // A load already under way may have read the rules just before the change: then load once more.
    for (let attempt = 0; attempt < 2 && this.version !== current; attempt++) await this.refresh(db);
  }

  refresh(db: Queryable = this.dataSource): Promise<void> {
    // Work inside a transaction loads on its own connection rather than joining a load under way: that
    // load may be waiting for a pool connection this transaction's batch (or one blocked by it) holds.
    if (db !== this.dataSource) return this.load(db);
    this.loading ??= this.load(db).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(db: Queryable): Promise<void> {
    const [version]: Array<{ n: number; at: Date | null }> = await db.query(VERSION_SQL);
    const rows: RuleRow[] = await db.query(
      `SELECT id, name, trigger, enabled, params, steps, priority, pacing, holdout_percent, attribution_windows,
              engagement, created_at, updated_at
         FROM rules WHERE deleted_at IS NULL`,
    );
    // Loads on different connections may finish out of order: an older snapshot never replaces a newer one.
    const stampedAt = version.at?.getTime() ?? 0;
    if (stampedAt < this.stampedAt) return;
    this.stampedAt = stampedAt;
    this.rules = new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          name: row.name,
          trigger: row.trigger,
          enabled: row.enabled,
          params: row.params,
          steps: row.steps,
          priority: row.priority,
          // Rules stored before caps existed have an empty pacing: capped, global quiet hours.
          caps: row.pacing.caps ?? { exempt: false },
          ...(row.pacing.quietHours === undefined ? {} : { quietHours: row.pacing.quietHours }),
          holdoutPercent: Number(row.holdout_percent),
          attributionWindows: attributionWindows(row.attribution_windows),
          ...row.engagement,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        } as unknown as Rule & RuleInput,
      ]),
    );
    this.loadedAt = Date.now();
    this.version = versionOf(version);
  }
}
