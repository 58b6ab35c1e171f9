import { findUnstorableValue, MAX_JSON_DEPTH, unstorableTextReason, unstorableUrlReason } from './unstorable-text';

describe('unstorableTextReason', () => {
  it('takes text PostgreSQL can store, surrogate pairs included', () => {
    for (const text of ['', 'plain', 'Zoë', '😀', '\ud83d\ude00', '\u202e\ufeff'])
      expect(unstorableTextReason(text)).toBeNull();
  });

  it('refuses NUL and lone surrogates, high or low, anywhere', () => {
    expect(unstorableTextReason('a\u0000b')).toMatch(/NUL/);
    for (const text of ['\ud800', 'x\ud800', '\ud800x', '\udfff', 'x\udc00y', '\ude00\ud83d']) {
      expect(unstorableTextReason(text)).toMatch(/surrogate/);
    }
  });
});

describe('findUnstorableValue', () => {
  it('names the field of the first unstorable string or key', () => {
    expect(findUnstorableValue({ steps: [{ email: { subject: 'a\u0000' } }] }, 'body')).toEqual({
      field: 'body.steps.0.email.subject',
      message: expect.stringMatching(/NUL/),
    });
    expect(findUnstorableValue({ ok: { '\ud800': 1 } }, 'body')?.message).toMatch(/^key .*surrogate/);
    expect(findUnstorableValue({ name: 'fine', n: 1e308, list: [true, null] }, 'body')).toBeNull();
  });

  it('refuses nesting past the limit without overflowing the stack', () => {
    let deep: unknown = [];
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findUnstorableValue(deep, 'body')?.message).toMatch(/nested deeper/);
    let allowed: unknown = 'leaf';
    for (let level = 0; level < MAX_JSON_DEPTH; level++) allowed = { a: allowed };
    expect(findUnstorableValue(allowed, 'body')).toBeNull();
  });
});

describe('unstorableUrlReason', () => {
  it('takes well-formed targets, escaped UTF-8 included', () => {
    for (const target of ['/v1/rules', '/v1/customers/anon%3Aabc?limit=5', '/u/x?y=%F0%9F%98%80', '/caf%C3%A9']) {
      expect(unstorableUrlReason(target)).toBeNull();
    }
  });

  it('refuses escapes that are not UTF-8 or decode to NUL or a surrogate', () => {
    expect(unstorableUrlReason('/v1/customers/%00')).toMatch(/NUL/);
    for (const escape of ['%ED%A0%80', '%C0%80', '%FF', '%E2%82']) {
      expect(unstorableUrlReason(`/v1/customers/${escape}`)).toMatch(/not valid UTF-8/);
    }
    expect(unstorableUrlReason('/v1/dispatches?customerId=100%')).toMatch(/two hex digits/);
  });
});

describe('findUnstorableValue for a route that repairs lone surrogates', () => {
  it('lets lone surrogates through, since the events parser repairs them, and still refuses NUL', () => {
    expect(
      findUnstorableValue({ traits: { first_name: 'Ana\ud800' } }, 'body', { repairsSurrogates: true }),
    ).toBeNull();
    expect(findUnstorableValue({ traits: { first_name: 'A\u0000' } }, 'body', { repairsSurrogates: true })).toEqual({
      field: 'body.traits.first_name',
      message: 'must not contain NUL (\\u0000)',
    });
  });
});
