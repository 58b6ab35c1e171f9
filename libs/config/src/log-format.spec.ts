import { defaultLogFormat } from './log-format';

describe('defaultLogFormat', () => {
  it('writes readable lines to a terminal', () => {
    expect(defaultLogFormat({ stdoutIsTTY: true })).toBe('plain');
    expect(defaultLogFormat({ stdoutIsTTY: true, npmLifecycleEvent: 'test' })).toBe('plain');
  });

  it('writes readable lines under npm start, even when its output is not a terminal', () => {
    expect(defaultLogFormat({ stdoutIsTTY: false, npmLifecycleEvent: 'start' })).toBe('plain');
  });

  it('writes JSON anywhere else: containers, pipes, other npm scripts', () => {
    expect(defaultLogFormat({ stdoutIsTTY: false })).toBe('json');
    expect(defaultLogFormat({ stdoutIsTTY: false, npmLifecycleEvent: 'test' })).toBe('json');
    expect(defaultLogFormat({ stdoutIsTTY: false, npmLifecycleEvent: 'test:faults' })).toBe('json');
  });
});
