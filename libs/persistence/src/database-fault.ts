/**
 * Whether an error came from the database being unavailable or busy (worth retrying the same work
 * later) rather than from what was asked of it (retrying would fail the same way forever).
 *
 * PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/15/errcodes-appendix.html):
 * 08 connection exception, 40 transaction rollback (serialization, deadlock), 53 insufficient
 * resources, 55 object not in prerequisite state (lock not available), 57 operator intervention
 * (shutdown, cancel), 58 system error, XX internal error, and 42 (a statement that does not match
 * the schema: a deployment problem that a fix, not a skipped event, resolves). Everything else the
 * database answers (22 data exception, 23 integrity, 54 program limit, ...) is about the data.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '42', '53', '55', '57', '58', 'XX']);

/** Node socket errors and node-postgres's own messages when the server goes away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery)|Client was closed|Cannot use a pool after calling end/i;

export function isTransientDatabaseFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.has(code.slice(0, 2));
  }
  return typeof message === 'string' && CONNECTION_MESSAGE.test(message);
}

/** A database error as one line for a dead-letter reason: SQLSTATE, message and the detail PostgreSQL gave. */
export function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, detail } = error as Error & { code?: unknown; detail?: unknown };
  const parts = [typeof code === 'string' ? `${code} ${error.message}` : error.message];
  if (typeof detail === 'string' && detail.length > 0) parts.push(detail);
  return parts.join(': ');
}
