/** One log call as Nest hands it to a LoggerService, reduced to a message and structured fields. */
export interface LogEntry {
  msg: string;
  fields: Record<string, unknown>;
}

const STACK_LINE = /\n\s+at /;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

/**
 * Nest calls `log(message, ...params, context)`: a logger with a context appends it last, and
 * `error` may carry a stack before it. An object message becomes fields (its `msg` the message), so
 * code logs `{ msg: 'dispatch sent', dispatchId, correlationId }` and gets searchable keys.
 */
export function toLogEntry(message: unknown, params: readonly unknown[]): LogEntry {
  const rest = [...params];
  const fields: Record<string, unknown> = {};
  if (rest.length > 0 && (typeof rest[rest.length - 1] === 'string' || rest[rest.length - 1] === undefined)) {
    const context = rest.pop();
    if (context !== undefined) fields.context = context;
  }
  let msg: string;
  if (message instanceof Error) {
    msg = message.message;
    fields.stack = message.stack;
  } else if (isPlainObject(message)) {
    const { msg: text, message: alternative, ...own } = message;
    Object.assign(fields, own);
    msg = String(text ?? alternative ?? '');
  } else {
    msg = String(message);
  }
  const extra: unknown[] = [];
  for (const param of rest) {
    if (param === undefined) continue;
    if (typeof param === 'string' && STACK_LINE.test(param)) fields.stack = param;
    else if (param instanceof Error) fields.stack = param.stack;
    else extra.push(param);
  }
  if (extra.length > 0) fields.params = extra;
  return { msg, fields };
}

/** A JSON log line as a person reads it in a terminal: time, level, service, context, message, other fields. */
export function plainLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { time, level, service, context, msg, stack, ...rest } = record;
  const where = context === undefined ? '' : ` ${String(context)}:`;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const trace = typeof stack === 'string' ? `\n${stack}` : '';
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} [${String(service)}]${where} ${String(msg ?? '')}${extra}${trace}\n`;
}
