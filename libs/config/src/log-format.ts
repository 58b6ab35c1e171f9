export type LogFormat = 'json' | 'plain';

/** Where a service's log lines are going, as far as choosing their format goes. */
export interface LogAudience {
  /** Standard output is a terminal. */
  stdoutIsTTY: boolean;
  /** npm's `npm_lifecycle_event`: `start` under `npm start`, whose services write to the terminal it runs in. */
  npmLifecycleEvent?: string;
}

/**
 * LOG_FORMAT when it is not set: a person reading a terminal gets readable lines, anything else (a
 * container runtime, a log shipper, a pipe) one JSON object per line.
 */
export function defaultLogFormat({ stdoutIsTTY, npmLifecycleEvent }: LogAudience): LogFormat {
  return stdoutIsTTY || npmLifecycleEvent === 'start' ? 'plain' : 'json';
}
