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

/** `550 5.1.1 ...` → [5, 1]: class and subject of an RFC 3463 enhanced status code, when the reply has one. */
function enhancedStatus(response: string): [number, number] | undefined {
  const match = /^\d{3}[ -]([245])\.(\d{1,3})\.\d{1,3}\b/.exec(response);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * A hard bounce: the server refused the recipient for good (5xx on RCPT TO, or on DATA), so the
 * address is not worth another message. An enhanced status code other than addressing (5.1.x) or
 * mailbox (5.2.x) names the message or a policy instead (5.7.1 spam, 5.3.4 too big): not a bounce.
 */
export function isHardBounce(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodemailerError & { command?: unknown };
  if (typeof e.responseCode !== 'number' || e.responseCode < 500 || e.responseCode >= 600) return false;
  if (e.command !== 'RCPT TO' && e.command !== 'DATA') return false;
  const status = typeof e.response === 'string' ? enhancedStatus(e.response) : undefined;
  return status === undefined || status[1] === 1 || status[1] === 2;
}
