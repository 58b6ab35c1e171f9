import { Logger } from '@nestjs/common';
import { ServiceLogger, withCorrelation } from './service-logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } };
}

describe('ServiceLogger', () => {
  afterEach(() => Logger.overrideLogger(false));

  it('writes one JSON object per line with level, time, service, context and msg, at or above its level', () => {
    const { lines, destination } = capture();
    const logger = new ServiceLogger('engine', { level: 'log', destination });
    logger.log('started', 'Bootstrap');
    logger.debug('not shown', 'Bootstrap');
    logger.error('failed', 'Error: x\n    at y', 'Worker');
    expect(lines).toEqual([
      { level: 'info', time: expect.any(String), service: 'engine', context: 'Bootstrap', msg: 'started' },
      {
        level: 'error',
        time: expect.any(String),
        service: 'engine',
        context: 'Worker',
        stack: expect.any(String),
        msg: 'failed',
      },
    ]);
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
  });

  it('attributes lines to the service whose work logs them, when several share a process', async () => {
    const engine = capture();
    const email = capture();
    const engineLogger = new ServiceLogger('engine', { level: 'log', destination: engine.destination });
    const emailLogger = new ServiceLogger('email', { level: 'log', destination: email.destination });
    // Nest keeps one logger per process: the last application created sets it.
    Logger.overrideLogger(emailLogger);
    const worker = new Logger('DueStepWorker');
    await engineLogger.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      worker.log({ msg: 'dispatch queued', dispatchId: 'd1' });
    });
    new Logger('Elsewhere').warn('outside any service');
    expect(engine.lines).toEqual([
      expect.objectContaining({ service: 'engine', context: 'DueStepWorker', dispatchId: 'd1' }),
    ]);
    expect(email.lines).toEqual([expect.objectContaining({ service: 'email', msg: 'outside any service' })]);
  });

  it('adds the correlation id in scope, unless the line names its own', () => {
    const { lines, destination } = capture();
    const logger = new ServiceLogger('api', { level: 'log', destination });
    logger.run(() =>
      withCorrelation('req-1', () => {
        logger.log('handling', 'Events');
        logger.log({ msg: 'other', correlationId: 'evt-9' }, 'Events');
      }),
    );
    expect(lines.map((line) => line.correlationId)).toEqual(['req-1', 'evt-9']);
  });

  it('writes readable lines in the plain format', () => {
    const written: string[] = [];
    const logger = new ServiceLogger('webpush', {
      level: 'log',
      format: 'plain',
      destination: { write: (l) => void written.push(l) },
    });
    logger.log('ready', 'Bootstrap');
    expect(written).toEqual([expect.stringMatching(/^\S+Z INFO {2}\[webpush\] Bootstrap: ready\n$/)]);
  });
});
