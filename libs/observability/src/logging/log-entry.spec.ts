import { plainLine, toLogEntry } from './log-entry';

describe('toLogEntry', () => {
  it('takes the context Nest appends last', () => {
    expect(toLogEntry('listening', ['Bootstrap'])).toEqual({ msg: 'listening', fields: { context: 'Bootstrap' } });
    expect(toLogEntry('no context', [])).toEqual({ msg: 'no context', fields: {} });
  });

  it('turns an object message into fields, its msg the message', () => {
    expect(toLogEntry({ msg: 'dispatch sent', dispatchId: 'd1', correlationId: 'e1' }, ['DeliveryBatch'])).toEqual({
      msg: 'dispatch sent',
      fields: { context: 'DeliveryBatch', dispatchId: 'd1', correlationId: 'e1' },
    });
  });

  it('keeps the stack of an error, given as an Error or as the string Nest passes before the context', () => {
    const error = new Error('boom');
    expect(toLogEntry(error, ['Worker'])).toEqual({ msg: 'boom', fields: { context: 'Worker', stack: error.stack } });
    const stack = 'Error: boom\n    at work (/app/x.js:1:1)';
    expect(toLogEntry('failed', [stack, 'Worker'])).toEqual({ msg: 'failed', fields: { context: 'Worker', stack } });
    // A context-bound Nest Logger pads a missing stack with undefined.
    expect(toLogEntry('failed', [undefined, 'Worker'])).toEqual({ msg: 'failed', fields: { context: 'Worker' } });
  });

  it('keeps further parameters rather than dropping them', () => {
    expect(toLogEntry('odd call', [{ a: 1 }, 2, 'Ctx'])).toEqual({
      msg: 'odd call',
      fields: { context: 'Ctx', params: [{ a: 1 }, 2] },
    });
  });
});

describe('plainLine', () => {
  it('prints time, level, service, context and message, then the other fields', () => {
    const json = JSON.stringify({
      level: 'info',
      time: '2025-06-01T12:00:00.000Z',
      service: 'engine',
      context: 'DueStepWorker',
      correlationId: 'e1',
      msg: 'dispatch queued',
    });
    expect(plainLine(`${json}\n`)).toBe(
      '2025-06-01T12:00:00.000Z INFO  [engine] DueStepWorker: dispatch queued {"correlationId":"e1"}\n',
    );
  });

  it('puts a stack on the following lines and passes text that is not JSON through', () => {
    const json = JSON.stringify({
      level: 'error',
      time: 't',
      service: 'api',
      msg: 'boom',
      stack: 'Error: boom\n  at x',
    });
    expect(plainLine(json)).toBe('t ERROR [api] boom\nError: boom\n  at x\n');
    expect(plainLine('not json')).toBe('not json\n');
  });
});
