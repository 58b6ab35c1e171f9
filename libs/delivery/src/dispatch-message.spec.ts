import { z } from 'zod';
import { dispatchEnvelopeShape, parseDispatch } from './dispatch-message';

const schema = z.object({ ...dispatchEnvelopeShape, channel: z.literal('email'), to: z.string() });
const valid = {
  dispatchId: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
  ruleId: 'rule-1',
  customerId: 'c-1',
  step: 1,
  correlationId: 'corr',
  createdAt: '2025-11-23T08:00:00.000Z',
  channel: 'email',
  to: 'a@example.com',
};
const buffer = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseDispatch', () => {
  it('accepts a valid message and lower-cases the dispatch id', () => {
    const parsed = parseDispatch(buffer(valid), schema);
    expect(parsed).toEqual({ ok: true, message: { ...valid, dispatchId: '6f9619ff-8b86-d011-b42d-00c04fc964ff' } });
  });

  it('rejects empty values and bad JSON', () => {
    expect(parseDispatch(null, schema)).toMatchObject({ ok: false, reason: 'malformed', detail: 'empty message' });
    expect(parseDispatch(buffer('{nope'), schema)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^not JSON/),
    });
  });

  it('names the missing fields and keeps a usable dispatch id', () => {
    const { to: _to, createdAt: _createdAt, ...partial } = valid;
    const parsed = parseDispatch(buffer(partial), schema);
    expect(parsed).toMatchObject({
      ok: false,
      reason: 'malformed',
      dispatchId: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
    });
    if (parsed.ok) throw new Error('unreachable');
    expect(parsed.detail).toMatch(/createdAt/);
    expect(parsed.detail).toMatch(/to/);
  });

  it('has no dispatch id to report when it is not a uuid', () => {
    const parsed = parseDispatch(buffer({ ...valid, dispatchId: 'not-a-uuid' }), schema);
    expect(parsed).toMatchObject({ ok: false, dispatchId: undefined });
    expect(parseDispatch(buffer('[1,2]'), schema)).toMatchObject({ ok: false, dispatchId: undefined });
    expect(parseDispatch(buffer('null'), schema)).toMatchObject({ ok: false, dispatchId: undefined });
  });
});
