import { isHeaderSafeUrl, parseEmailDispatch } from './email-dispatch.schema';

const valid = {
  dispatchId: '3b241101-e2bb-4255-8caf-4136c566a962',
  ruleId: 'r',
  customerId: 'c',
  step: 1,
  correlationId: 'x',
  createdAt: '2025-11-23T08:00:00.000Z',
  channel: 'email',
  to: 'alice@example.com',
  subject: 'Hi',
  text: 'Hello',
  unsubscribeUrl: 'https://shop.example.com/u/abc',
};
const parse = (value: object) => parseEmailDispatch(Buffer.from(JSON.stringify(value)));

describe('parseEmailDispatch', () => {
  it('accepts a dispatch with text or html', () => {
    expect(parse(valid)).toMatchObject({ ok: true, message: valid });
    expect(parse({ ...valid, text: undefined, html: '<p>x</p>', unsubscribeUrl: null })).toMatchObject({
      ok: true,
      message: { html: '<p>x</p>', unsubscribeUrl: undefined },
    });
  });

  it('rejects a dispatch without body, address or channel', () => {
    expect(parse({ ...valid, text: undefined })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/html or text/),
    });
    expect(parse({ ...valid, to: 'nobody' })).toMatchObject({ ok: false, detail: expect.stringMatching(/^to:/) });
    expect(parse({ ...valid, channel: 'webpush' })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^channel:/),
    });
  });

  it('refuses unsubscribe URLs that could inject headers', () => {
    expect(parse({ ...valid, unsubscribeUrl: 'https://shop.example.com/u/a\r\nBcc: x@example.com' })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^unsubscribeUrl:/),
    });
    expect(isHeaderSafeUrl('https://shop.example.com/u/a>b')).toBe(false);
    expect(isHeaderSafeUrl('javascript:alert(1)')).toBe(false);
    expect(isHeaderSafeUrl('http://127.0.0.1:3000/u/tok.en-_~')).toBe(true);
  });
});
