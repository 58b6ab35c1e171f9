import { isUuid } from '../common/uuid';

/**
 * Position after the last row of a page in (created_at DESC, id DESC) order. The timestamp is kept
 * as PostgreSQL's microsecond text: a JavaScript Date would round it to milliseconds and the next
 * page would skip or repeat rows created within the same millisecond.
 */
export interface DispatchCursor {
  createdAt: string;
  id: string;
}

const MICROSECOND_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(cursor: DispatchCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: string): DispatchCursor | null {
  const [createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || createdAt === undefined || id === undefined) return null;
  if (!MICROSECOND_UTC.test(createdAt) || Number.isNaN(Date.parse(createdAt)) || !isUuid(id)) return null;
  return { createdAt, id };
}
