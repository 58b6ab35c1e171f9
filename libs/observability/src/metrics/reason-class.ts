const STATUS_CODE = /^(smtp|push):(\d{3})$/;

/** Push answers that each mean something different to ops: gone subscriptions, throttling, a too-big payload. */
const DISTINCT_PUSH_CODES = new Set(['400', '401', '403', '404', '410', '413', '429']);

/**
 * A dispatch reason as a metric label: bounded, so a label set cannot grow with message text.
 * `smtp:550` → `smtp:5xx`, `push:503` → `push:5xx`, `push:410` stays, `template_error:<detail>` →
 * `template_error`; other reasons are short machine words already and stay as they are.
 */
export function reasonClass(reason: string | null | undefined): string {
  if (reason === null || reason === undefined || reason === '') return 'none';
  const code = STATUS_CODE.exec(reason);
  if (code !== null) {
    const [, kind, status] = code;
    return kind === 'push' && DISTINCT_PUSH_CODES.has(status) ? reason : `${kind}:${status[0]}xx`;
  }
  if (reason.startsWith('template_error')) return 'template_error';
  return reason.length > 64 ? reason.slice(0, 64) : reason;
}
