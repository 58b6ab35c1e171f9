/** What a failed SMTP send means for the dispatch. */
export interface SmtpVerdict {
  /** transient: retry (4xx, connection trouble); permanent: fail now (5xx, a message nodemailer cannot build). */
  kind: 'transient' | 'permanent';
  /** `smtp:<reply code>`, `smtp:connection`, or `smtp:<nodemailer code>`. */
  reason: string;
  /** The server's reply line, else the error message. */
  response: string;
}

/** Errors with no SMTP reply: the server was not reached or the connection broke. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

interface NodemailerError {
  responseCode?: unknown;
  response?: unknown;
  code?: unknown;
  message?: unknown;
}

export function classifySmtpError(err: unknown): SmtpVerdict {
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodemailerError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 600) {
    return {
      kind: e.responseCode < 500 ? 'transient' : 'permanent',
      reason: `smtp:${e.responseCode}`,
      response: typeof e.response === 'string' ? e.response : message,
    };
  }
  if (code && CONNECTION_CODES.has(code)) return { kind: 'transient', reason: 'smtp:connection', response: message };
  return { kind: 'permanent', reason: code ? `smtp:${code.toLowerCase()}` : 'smtp:error', response: message };
}
