import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-log-level';

// The lines below are what kafkajs 2.2 logs (message and extra) in each situation.
describe('kafkaLogLevel', () => {
  it.each([
    [
      'a leader election',
      {
        message: 'Response Produce(key: 0, version: 7)',
        error: 'This server is not the leader for that topic-partition',
      },
    ],
    [
      'no leader yet',
      {
        message: 'Response Metadata(key: 3, version: 6)',
        error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
      },
    ],
    [
      'a topic just created',
      { message: 'Response Metadata(key: 3, version: 6)', error: 'This server does not host this topic-partition' },
    ],
    [
      'a rebalance',
      { message: 'Response Heartbeat(key: 12, version: 3)', error: 'The group is rebalancing, so a rejoin is needed' },
    ],
    [
      'a coordinator loading',
      {
        message: 'Response FindCoordinator(key: 10, version: 2)',
        error: "The coordinator is loading and hence can't process requests for this group",
      },
    ],
    [
      'a coordinator moved',
      {
        message: 'Response JoinGroup(key: 11, version: 5)',
        error: 'This is not the correct coordinator for this group',
      },
    ],
    [
      'an expired session',
      { message: 'The coordinator is not aware of this member, re-joining the group', groupId: 'g' },
    ],
    ['anything kafkajs marks retriable', { message: 'Failed to send', retriable: true }],
  ])('logs %s as a warning', (_situation, entry) => {
    expect(kafkaLogLevel(logLevel.ERROR, entry)).toBe('warn');
  });

  it.each([
    [
      'a refused connection',
      { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', broker: '127.0.0.1:9092' },
    ],
    [
      'a too large request',
      {
        message: 'Response Produce(key: 0, version: 7)',
        error: 'The request included a message larger than the max message size the server will accept',
      },
    ],
    ['a crash', { message: 'Crash: KafkaJSNonRetriableError: boom', groupId: 'g' }],
    ['a failing handler', { message: 'Error when calling eachBatch', error: 'relation "x" does not exist' }],
  ])('keeps %s an error', (_situation, entry) => {
    expect(kafkaLogLevel(logLevel.ERROR, entry)).toBe('error');
  });

  it('keeps the other levels as kafkajs gave them', () => {
    const weather = { message: 'x', error: 'This server is not the leader for that topic-partition' };
    expect(kafkaLogLevel(logLevel.WARN, weather)).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, weather)).toBe('log');
    expect(kafkaLogLevel(logLevel.DEBUG, { message: 'x' })).toBe('debug');
  });
});
