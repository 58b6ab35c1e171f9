import { randomUUID } from 'node:crypto';

/** A caller's id is kept only if it is a short token: it ends up in log lines, Kafka headers and the dispatch log. */
const ACCEPTABLE = /^[\w.:@/+=-]{1,128}$/;

/** The request's correlation id: the caller's X-Correlation-Id when it is usable, else a new one. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const presented = Array.isArray(header) ? header[0] : header;
  return presented !== undefined && ACCEPTABLE.test(presented) ? presented : randomUUID();
}
