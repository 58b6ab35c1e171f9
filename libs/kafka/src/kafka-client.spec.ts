import { Logger } from '@nestjs/common';
import { createKafka } from './kafka-client';

describe('createKafka logging', () => {
  afterEach(() => jest.restoreAllMocks());

  it("logs kafkajs's retried broker errors as warnings and other errors as errors, through Nest's logger", () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const logger = createKafka(['127.0.0.1:1'], 'log-test').logger();

    logger.error('Response Metadata(key: 3, version: 6)', {
      error: 'This server is not the leader for that topic-partition',
    });
    logger.error('Crash: KafkaJSNonRetriableError: boom', { groupId: 'g' });

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('This server is not the leader for that topic-partition');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toContain('Crash: KafkaJSNonRetriableError: boom');
  });
});
