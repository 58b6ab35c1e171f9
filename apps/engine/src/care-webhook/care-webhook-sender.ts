import { careWebhookSignature, SIGNATURE_HEADER } from './care-webhook-payload';

export type PostResult = { ok: true } | { ok: false; error: string };

const ERROR_TEXT_MAX = 300;

/**
 * One POST of one signed body with Node's fetch. Anything but a 2xx within the timeout is a failure
 * to retry: a redirect too (a receiver that moved is told by ops, not followed with the body).
 */
export async function postCareWebhook(
  url: string,
  body: string,
  secret: string,
  timeoutMs: number,
): Promise<PostResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Beckon care webhook',
        [SIGNATURE_HEADER]: careWebhookSignature(body, secret),
      },
      body,
    });
    // Read to the end (within the same timeout) so the connection goes back to the pool.
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, error: `HTTP ${response.status}${text === '' ? '' : `: ${text}`}`.slice(0, ERROR_TEXT_MAX) };
  } catch (error) {
    return { ok: false, error: describeFailure(error, timeoutMs) };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  if (failure.name === 'TimeoutError') return `timeout: no answer within ${timeoutMs} ms`;
  const cause = failure.cause?.code ?? failure.cause?.message;
  return (cause === undefined ? failure.message : `${failure.message}: ${cause}`).slice(0, ERROR_TEXT_MAX);
}
