import { randomBytes } from 'node:crypto';
import { firstEventTooLargeForBroker, isMessageTooLarge, produceChunks } from './produce-chunks';

const message = (bytes: number, key = 'k') => ({ key, value: 'x'.repeat(bytes - key.length) });

describe('produceChunks', () => {
  it('keeps order and puts as many messages in a send as the budget allows', () => {
    const messages = [message(40), message(40), message(40), message(10)];
    expect(produceChunks(messages, 100).map((chunk) => chunk.length)).toEqual([2, 2]);
    expect(produceChunks(messages, 100).flat()).toEqual(messages);
  });

  it('sends a message over the budget alone, and nothing for no messages', () => {
    expect(produceChunks([message(10), message(500), message(10)], 100).map((chunk) => chunk.length)).toEqual([
      1, 1, 1,
    ]);
    expect(produceChunks([], 100)).toEqual([]);
  });
});

describe('firstEventTooLargeForBroker', () => {
  it('finds an event over the limit that gzip cannot shrink under it', () => {
    const random = { key: 'k', value: randomBytes(1500).toString('base64') };
    const repetitive = message(2000);
    expect(firstEventTooLargeForBroker([message(10), random], 1000)).toBe(1);
    expect(firstEventTooLargeForBroker([repetitive, message(10)], 1000)).toBe(-1);
  });
});

describe('isMessageTooLarge', () => {
  it('finds the broker’s MESSAGE_TOO_LARGE however kafkajs nests it', () => {
    const protocol = { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' };
    expect(isMessageTooLarge(protocol)).toBe(true);
    expect(isMessageTooLarge({ name: 'KafkaJSNumberOfRetriesExceeded', cause: protocol })).toBe(true);
    expect(isMessageTooLarge({ errors: [{ type: 'REQUEST_TIMED_OUT' }, { originalError: protocol }] })).toBe(true);
    expect(isMessageTooLarge({ type: 'LEADER_NOT_AVAILABLE' })).toBe(false);
    expect(isMessageTooLarge(new Error('Connection error'))).toBe(false);
  });
});
