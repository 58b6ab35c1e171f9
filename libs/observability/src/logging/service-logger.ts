import { AsyncLocalStorage } from 'node:async_hooks';
import { LoggerService } from '@nestjs/common';
import type { BeckonConfig } from '@beckon/config';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import { plainLine, toLogEntry } from './log-entry';

/** LOG_LEVEL as the configuration names it (Nest's words). */
export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type LogFormat = 'json' | 'plain';
export type LogDestination = DestinationStream;

export interface ServiceLoggerOptions {
  level: LogLevelName;
  format?: LogFormat;
  /** Where lines go; standard output by default. Tests pass a stream to read the lines back. */
  destination?: LogDestination;
}

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const PINO_LEVEL: Record<LogLevelName, PinoLevel> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

interface Scope {
  logger?: ServiceLogger;
  correlationId?: string;
}

/**
 * Which service (and which request) the running code belongs to. Nest's Logger is one per process,
 * but tests and benches run several services in one: work started inside `ServiceLogger.run` keeps
 * its service through timers, Kafka fetch loops and promises, so each line names the right one.
 */
const scope = new AsyncLocalStorage<Scope>();

let stdout: DestinationStream | undefined;

/** One buffered standard output for the process (flushed on exit), shared so lines of several loggers never interleave. */
function standardOutput(): DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: false });
  return stdout;
}

function destinationFor(options: ServiceLoggerOptions): DestinationStream {
  const target = options.destination ?? standardOutput();
  if (options.format !== 'plain') return target;
  return { write: (line: string) => target.write(plainLine(line)) };
}

/**
 * Nest's LoggerService over pino: one JSON object per line with level, time, service, context, msg,
 * the correlation id of the request or message being handled when there is one, and any fields the
 * caller logged as an object.
 */
export class ServiceLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(
    readonly service: string,
    options: ServiceLoggerOptions,
  ) {
    this.pino = pino(
      {
        level: PINO_LEVEL[options.level],
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destinationFor(options),
    );
  }

  /** Runs `work` as this service: everything it starts logs under this service's name and settings. */
  run<T>(work: () => T): T {
    return scope.run({ logger: this }, work);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.route('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.route('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.route('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.route('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.route('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.route('fatal', message, params);
  }

  private route(level: PinoLevel, message: unknown, params: unknown[]): void {
    const current = scope.getStore();
    (current?.logger ?? this).write(level, message, params, current?.correlationId);
  }

  private write(level: PinoLevel, message: unknown, params: unknown[], correlationId: string | undefined): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const { msg, fields } = toLogEntry(message, params);
    this.pino[level](correlationId === undefined ? fields : { correlationId, ...fields }, msg);
  }
}

/** Runs `work` with a correlation id that every line it logs carries (unless the line names its own). */
export function withCorrelation<T>(correlationId: string, work: () => T): T {
  return scope.run({ ...scope.getStore(), correlationId }, work);
}

/** What the create*App functions accept besides the configuration. */
export interface ServiceAppOptions {
  /** Where the service's log lines go instead of standard output (tests read them back from here). */
  logDestination?: LogDestination;
}

/** The logger of one service, configured by LOG_LEVEL and LOG_FORMAT. */
export function loggerFor(
  service: string,
  config: Pick<BeckonConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  options: ServiceAppOptions = {},
): ServiceLogger {
  return new ServiceLogger(service, {
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    destination: options.logDestination,
  });
}
