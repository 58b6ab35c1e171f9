import { logLevel } from 'kafkajs';

export type NestLogLevel = 'error' | 'warn' | 'log' | 'debug';

// kafkajs's table of broker error codes: which ones it retries. Not in its typings, but part of the package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { errorCodes } = require('kafkajs/src/protocol/error') as {
  errorCodes: Array<{ type: string; retriable: boolean; message: string }>;
};

/**
 * Broker answers that come and go with leader elections, rebalances, coordinator moves and freshly
 * created topics: kafkajs logs them at ERROR on the way to retrying, but the retry handles them.
 * The group ones are not marked retriable in kafkajs's table, yet the consumer rejoins on each.
 */
const GROUP_WEATHER = new Set([
  'REBALANCE_IN_PROGRESS',
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'NOT_COORDINATOR',
  'NOT_COORDINATOR_FOR_GROUP',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'GROUP_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
]);

const WEATHER_MESSAGES: readonly string[] = [
  ...errorCodes.filter((code) => code.retriable || GROUP_WEATHER.has(code.type)).map((code) => code.message),
  // kafkajs's own line when the coordinator has dropped a member whose session ran out: it rejoins.
  'The coordinator is not aware of this member',
];

/** Whether a kafkajs log line reports a transient broker condition that kafkajs retries by itself. */
export function isNormalWeather(entry: { message?: string; [key: string]: unknown }): boolean {
  if (entry.retriable === true) return true;
  const text = `${entry.message ?? ''} ${typeof entry.error === 'string' ? entry.error : ''}`;
  return WEATHER_MESSAGES.some((message) => text.includes(message));
}

const NEST_LEVEL: Record<number, NestLogLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** The Nest level a kafkajs line is logged at: its own, except that normal weather is a warning, not an error. */
export function kafkaLogLevel(level: logLevel, entry: { message?: string; [key: string]: unknown }): NestLogLevel {
  const nest = NEST_LEVEL[level] ?? 'log';
  return nest === 'error' && isNormalWeather(entry) ? 'warn' : nest;
}
