import { keyOfBasicAuth, presentedKey } from './presented-key';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('presentedKey', () => {
  it('reads Segment’s Basic auth: the key is the user name, the password empty', () => {
    expect(keyOfBasicAuth(basic('write-key:'))).toBe('write-key');
    expect(keyOfBasicAuth(basic('a:b:'))).toBe('a:b');
    expect(keyOfBasicAuth(basic('write-key'))).toBe('write-key');
    for (const header of [undefined, '', 'Bearer abc', basic(':'), 'Basic !!!'])
      expect(keyOfBasicAuth(header)).toBeNull();
  });

  it('takes Basic auth and writeKey only where the route accepts Segment credentials', () => {
    const request = { method: 'POST', url: '/', headers: { authorization: basic('k1:') }, body: { writeKey: 'k2' } };
    expect(presentedKey(request, true)).toBe('k1');
    expect(presentedKey(request, false)).toBeNull();
    expect(presentedKey({ ...request, headers: {} }, true)).toBe('k2');
    expect(presentedKey({ ...request, headers: { 'x-api-key': 'k0' } }, false)).toBe('k0');
  });
});
