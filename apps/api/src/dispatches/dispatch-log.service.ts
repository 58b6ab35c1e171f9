import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DispatchCursor, encodeCursor } from './dispatch-cursor';
import { DispatchLogQuery } from './dispatch-query.schemas';
import { dispatchColumns, DispatchRow, DispatchView, toDispatchView } from './dispatch.view';

export interface DispatchPage {
  items: DispatchView[];
  nextCursor: string | null;
}

type PagedRow = DispatchRow & { cursor_at: string };

/** Equality filters: query field → column. */
const EQUALS: ReadonlyArray<[keyof DispatchLogQuery, string]> = [
  ['ruleId', 'rule_id'],
  ['customerId', 'customer_id'],
  ['channel', 'channel'],
  ['status', 'status'],
  ['reason', 'reason'],
];

/**
 * Keyset paging over the dispatches_log index (created_at DESC, id DESC): each page costs the same
 * however deep the client pages, and rows inserted meanwhile neither shift nor repeat later pages.
 */
@Injectable()
export class DispatchLogService {
  constructor(private readonly db: DataSource) {}

  async page(query: DispatchLogQuery): Promise<DispatchPage> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };

    for (const [field, column] of EQUALS) {
      if (query[field] !== undefined) conditions.push(`d.${column} = ${param(query[field])}`);
    }
    if (query.since !== undefined) conditions.push(`d.created_at >= ${param(query.since)}::timestamptz`);
    if (query.until !== undefined) conditions.push(`d.created_at < ${param(query.until)}::timestamptz`);
    if (query.cursor !== undefined) conditions.push(this.after(query.cursor, param));

    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows: PagedRow[] = await this.db.query(
      `SELECT ${dispatchColumns('d')},
              to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM dispatches d
         ${where}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT ${param(query.limit + 1)}`,
      params,
    );

    // One row more than asked tells whether another page exists without a COUNT.
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > query.limit && last !== undefined ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null;
    return { items: items.map(toDispatchView), nextCursor };
  }

  private after(cursor: DispatchCursor, param: (value: unknown) => string): string {
    return `(d.created_at, d.id) < (${param(cursor.createdAt)}::timestamptz, ${param(cursor.id)}::uuid)`;
  }
}
