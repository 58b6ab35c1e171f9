import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DispatchStatsQuery } from './dispatch-query.schemas';

export interface DispatchStatsRow {
  ruleId: string;
  channel: string | null;
  status: string;
  reason: string | null;
  count: number;
}

export interface DispatchStats {
  since: Date;
  until: Date;
  rows: DispatchStatsRow[];
}

/** Counts of the dispatches created in [since, until), by their current status, in one grouped query. */
@Injectable()
export class DispatchStatsService {
  constructor(private readonly db: DataSource) {}

  async stats(query: DispatchStatsQuery): Promise<DispatchStats> {
    const params: unknown[] = [query.since, query.until];
    const byRule = query.ruleId === undefined ? '' : `AND rule_id = $${params.push(query.ruleId)}`;
    const rows: Array<{
      rule_id: string;
      channel: string | null;
      status: string;
      reason: string | null;
      count: number;
    }> = await this.db.query(
      `SELECT rule_id, channel, status, reason, count(*)::int AS count
           FROM dispatches
          WHERE created_at >= $1 AND created_at < $2 ${byRule}
          GROUP BY rule_id, channel, status, reason
          ORDER BY rule_id, channel NULLS FIRST, status, reason NULLS FIRST`,
      params,
    );
    return {
      since: query.since,
      until: query.until,
      rows: rows.map((row) => ({
        ruleId: row.rule_id,
        channel: row.channel,
        status: row.status,
        reason: row.reason,
        count: row.count,
      })),
    };
  }
}
