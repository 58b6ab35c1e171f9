import { KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_LIMITS, deadLetterRecord, inRequests } from './dead-letter-records';

const kafkaMessage = (value: Buffer, headers: KafkaMessage['headers'] = {}, key = 'u-1'): KafkaMessage => ({
  key: Buffer.from(key),
  value,
  headers,
  offset: '42',
  timestamp: '0',
  attributes: 0,
});

const bytes = (value: unknown) => (Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value ?? '')));

describe('deadLetterRecord', () => {
  it('keeps key, headers and value of an ordinary message, adding reason and source', () => {
    const record = deadLetterRecord(
      { message: kafkaMessage(Buffer.from('{"x":1}'), { 'x-shop': 'demo' }), reason: 'not JSON' },
      'events/3/42',
    );
    expect(record.key?.toString()).toBe('u-1');
    expect(record.value?.toString()).toBe('{"x":1}');
    expect(record.headers).toEqual({
      'x-shop': 'demo',
      'x-beckon-reason': 'not JSON',
      'x-beckon-source': 'events/3/42',
    });
  });

  it('cuts an oversized value, key and reason, says how long the value was, and drops headers past the bound', () => {
    const huge = Buffer.alloc(3 * 1024 * 1024, 'a');
    const headers = { small: 'kept', big: Buffer.alloc(DEAD_LETTER_LIMITS.headerBytes, 'h') };
    const record = deadLetterRecord(
      { message: kafkaMessage(huge, headers, 'k'.repeat(5000)), reason: 'r'.repeat(5000) },
      'events/0/1',
    );
    expect(bytes(record.value)).toBe(DEAD_LETTER_LIMITS.valueBytes);
    expect(bytes(record.key)).toBe(DEAD_LETTER_LIMITS.keyBytes);
    expect(record.headers).toMatchObject({
      small: 'kept',
      'x-beckon-truncated-from': String(huge.length),
      'x-beckon-headers-dropped': '1',
    });
    expect(String(record.headers?.['x-beckon-reason'])).toHaveLength(DEAD_LETTER_LIMITS.reasonChars);
  });
});

describe('inRequests', () => {
  it('splits 150 records of 8 KB into requests under the request bound, in order', () => {
    const records = Array.from({ length: 150 }, (_, i) =>
      deadLetterRecord({ message: kafkaMessage(Buffer.alloc(8000, i % 256)), reason: 'invalid' }, `e/0/${i}`),
    );
    const requests = inRequests(records);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.flat()).toEqual(records);
    for (const request of requests) {
      expect(request.reduce((sum, r) => sum + bytes(r.value), 0)).toBeLessThanOrEqual(DEAD_LETTER_LIMITS.requestBytes);
    }
  });

  it('sends two records of the maximum size separately', () => {
    const big = () => deadLetterRecord({ message: kafkaMessage(Buffer.alloc(700_000)), reason: 'invalid' }, 'e/0/1');
    expect(inRequests([big(), big()]).map((r) => r.length)).toEqual([1, 1]);
  });
});
