import { classifyPushAttempt, parseRetryAfterMs, SubscriptionResult, summarizePush } from './push-response';

const now = Date.parse('2025-11-23T08:00:00Z');

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfterMs('7', now)).toBe(7_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('Sun, 23 Nov 2025 08:00:12 GMT', now)).toBe(12_000);
    expect(parseRetryAfterMs('Sun, 23 Nov 2025 07:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('classifyPushAttempt', () => {
  it('accepts 2xx', () => {
    expect(classifyPushAttempt({ status: 201, error: null })).toEqual({ kind: 'accepted' });
  });

  it('treats 404 and 410 as a dead subscription', () => {
    expect(classifyPushAttempt({ status: 410, error: 'gone' })).toEqual({ kind: 'gone' });
    expect(classifyPushAttempt({ status: 404, error: 'gone' })).toEqual({ kind: 'gone' });
  });

  it('retries 429 honouring Retry-After, 5xx and network failures', () => {
    expect(classifyPushAttempt({ status: 429, retryAfter: '3', error: 'slow down' }, now)).toEqual({
      kind: 'transient',
      retryAfterMs: 3_000,
    });
    expect(classifyPushAttempt({ status: 503, error: 'x' })).toEqual({ kind: 'transient', retryAfterMs: undefined });
    expect(classifyPushAttempt({ status: 500, error: 'x' }).kind).toBe('transient');
    expect(classifyPushAttempt({ errorCode: 'ECONNREFUSED', error: 'refused' }).kind).toBe('transient');
    expect(classifyPushAttempt({ error: 'Socket timeout' }).kind).toBe('transient');
  });

  it('fails other 4xx and broken keys at once', () => {
    for (const status of [400, 401, 403, 413])
      expect(classifyPushAttempt({ status, error: 'x' })).toEqual({ kind: 'permanent' });
    expect(classifyPushAttempt({ errorCode: 'ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY', error: 'bad key' })).toEqual({
      kind: 'permanent',
    });
  });
});

describe('summarizePush', () => {
  const result = (endpoint: string, status: number | undefined, tries = 1): SubscriptionResult => {
    const attempt = { status, error: status === 201 ? null : `${status ?? 'network'} error` };
    return { endpoint, attempt, verdict: classifyPushAttempt(attempt), tries };
  };

  it('is sent when one subscription accepted, and reports the dead ones', () => {
    expect(summarizePush('d', [result('https://a', 410), result('https://b', 201, 2)])).toEqual({
      dispatchId: 'd',
      status: 'sent',
      reason: null,
      providerResponse: '410,201',
      attempts: 3,
      retries: 1,
      error: null,
      goneAddresses: ['https://a'],
    });
  });

  it('fails with the first answer when none accepted', () => {
    expect(summarizePush('d', [result('https://a', 410), result('https://b', 500, 4)])).toMatchObject({
      status: 'failed',
      reason: 'push:410',
      providerResponse: '410,500',
      attempts: 5,
      retries: 3,
      error: '410 error',
      goneAddresses: ['https://a'],
    });
    expect(summarizePush('d', [result('https://a', undefined, 4)])).toMatchObject({
      reason: 'push:network',
      goneAddresses: [],
    });
    expect(summarizePush('d', [])).toMatchObject({ status: 'failed', reason: 'push:no_subscription' });
  });
});
