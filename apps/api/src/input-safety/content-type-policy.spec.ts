import { carriesBody, unsupportedBodyReason } from './content-type-policy';

describe('unsupportedBodyReason', () => {
  it('lets JSON media types through, with parameters and +json suffixes', () => {
    for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/merge-patch+json']) {
      expect(unsupportedBodyReason('/v1/rules', type)).toBeNull();
    }
  });

  it('refuses other types and a missing type on the API', () => {
    expect(unsupportedBodyReason('/v1/rules', 'text/plain')).toMatch(/text\/plain is not supported/);
    expect(unsupportedBodyReason('/v1/events', undefined)).toMatch(/needs Content-Type/);
    expect(unsupportedBodyReason('/v1/caps', 'application/jsonx')).not.toBeNull();
  });

  it('lets the one-click unsubscribe take any body (RFC 8058 posts it form-encoded)', () => {
    expect(unsupportedBodyReason('/u/token', 'application/x-www-form-urlencoded')).toBeNull();
    expect(unsupportedBodyReason('/u/token', undefined)).toBeNull();
  });

  it('lets a survey answer come from an HTML form, and only there', () => {
    expect(unsupportedBodyReason('/s/token', 'application/x-www-form-urlencoded')).toBeNull();
    expect(unsupportedBodyReason('/s/token', 'application/json')).toBeNull();
    expect(unsupportedBodyReason('/s/token', 'text/plain')).not.toBeNull();
    expect(unsupportedBodyReason('/v1/rules', 'application/x-www-form-urlencoded')).not.toBeNull();
  });
});

describe('carriesBody', () => {
  it('is true for a length above zero or any transfer encoding', () => {
    expect(carriesBody({ 'content-length': '2' })).toBe(true);
    expect(carriesBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(carriesBody({ 'content-length': '0' })).toBe(false);
    expect(carriesBody({})).toBe(false);
  });
});
