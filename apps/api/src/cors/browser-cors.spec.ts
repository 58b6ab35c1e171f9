import { browserCors } from './browser-cors';

function call(method: string, url: string, origin?: string) {
  const headers = new Map<string, string>();
  const response = {
    statusCode: 200,
    ended: false,
    setHeader: (n: string, v: string) => headers.set(n, v),
    end() {
      this.ended = true;
    },
  };
  let passed = false;
  browserCors(['https://shop.example.com'])({ method, url, headers: origin ? { origin } : {} }, response, () => {
    passed = true;
  });
  return { headers: Object.fromEntries(headers), passed, status: response.statusCode, ended: response.ended };
}

describe('browserCors', () => {
  it('answers a listed origin’s preflight naming the origin', () => {
    expect(call('OPTIONS', '/v1/batch', 'https://shop.example.com')).toEqual({
      headers: {
        Vary: 'Origin',
        'Access-Control-Allow-Origin': 'https://shop.example.com',
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type, Authorization, X-API-Key, X-Correlation-Id',
        'Access-Control-Max-Age': '86400',
      },
      passed: false,
      status: 204,
      ended: true,
    });
    expect(
      call('GET', '/v1/webpush/public-key?x=1', 'https://shop.example.com').headers['Access-Control-Allow-Origin'],
    ).toBe('https://shop.example.com');
  });

  it('gives other origins and other paths no CORS header', () => {
    expect(call('OPTIONS', '/v1/batch', 'https://evil.example.com')).toMatchObject({
      headers: { Vary: 'Origin' },
      passed: true,
    });
    expect(call('POST', '/v1/rules', 'https://shop.example.com')).toMatchObject({ headers: {}, passed: true });
    expect(call('POST', '/v1/events')).toMatchObject({ headers: { Vary: 'Origin' }, passed: true });
  });
});
