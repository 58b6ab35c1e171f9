import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { defaultLogFormat } from './log-format';

const csv = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

/** marketer: everything; ops: read-only; source: a write key that may only send events (CONTRACT.md §5). */
export const API_ROLES = ['marketer', 'ops', 'source'] as const;
export type ApiRoleName = (typeof API_ROLES)[number];

/** Browser origins (scheme://host[:port]) allowed to call the intake paths; compared exactly. */
const originListSchema = z
  .string()
  .default('')
  .transform((value, ctx) =>
    csv(value).map((entry) => {
      let origin: string | null = null;
      try {
        const url = new URL(entry);
        if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, ''))
          origin = url.origin;
      } catch {
        origin = null;
      }
      if (origin === null)
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin such as https://shop.example.com` });
      return origin ?? entry;
    }),
  );

const apiKeySchema = z
  .string()
  .default('')
  .transform((value, ctx) =>
    csv(value).map((entry) => {
      const [role, ...rest] = entry.split(':');
      const key = rest.join(':');
      if (!API_ROLES.includes(role as ApiRoleName) || key.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not role:key with role marketer or ops or source`,
        });
      }
      return { role: role as ApiRoleName, key };
    }),
  );

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The environment as the contract (§2) names it; unknown variables are ignored. */
export const configSchema = z.object({
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092').transform(csv),
  KAFKA_EVENTS_TOPIC: z.string().min(1).default('storefront.events'),
  KAFKA_CLIENT_ID: z.string().min(1).default('beckon'),
  /** Prefix for Beckon's own topics and consumer groups, so test runs and tenants stay apart. */
  KAFKA_INTERNAL_PREFIX: z.string().default('beckon'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/beckon'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SMTP_URL: z.string().optional(),
  /** Ten rather than five: the email service then spends ~12 % less CPU per mail in bench/delivery.ts. */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  MAIL_FROM: z.string().optional(),
  /** DKIM signing of every mail (email service): all three or none. */
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  /** The RSA private key as PEM (`\n` escapes allowed), or the path of a PEM file. */
  DKIM_PRIVATE_KEY: z.string().optional(),
  /** An address that unsubscribes whoever writes to it, offered in List-Unsubscribe next to the HTTPS link. */
  UNSUBSCRIBE_MAILTO: z
    .string()
    .transform((value) => value.trim().replace(/^mailto:/i, ''))
    .pipe(z.union([z.literal(''), z.string().regex(/^[^\s@<>,?]+@[^\s@<>,?]+$/, 'must be an e-mail address')]))
    .optional(),
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().optional(),
  /**
   * Worker threads encrypting web pushes; 0: on the main thread. One per core by default: a push's
   * key agreement costs about twice the main thread's share (HTTP/2, Kafka, the ledger), which mostly waits.
   */
  PUSH_ENCRYPTION_THREADS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(() => Math.min(64, availableParallelism())),
  /** HTTP/2 to push services that offer it (negotiated per origin, else keep-alive HTTP/1.1); false: HTTP/1.1 only. */
  PUSH_HTTP2: z.stringbool().default(true),
  /**
   * Web pushes in flight per instance. Push services answer in tens of milliseconds across the
   * internet, so throughput is in-flight / latency: over HTTP/2 a hundred streams cost little.
   */
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(256),
  API_KEYS: apiKeySchema,
  /** Shop origins whose pages may call the intake paths and the VAPID key from a browser (CORS); unset: none. */
  CORS_ORIGINS: originListSchema,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  UNSUBSCRIBE_SECRET: z.string().optional(),
  /** Time zone of customers who never told us theirs (birthday greetings are sent in local time). */
  DEFAULT_TIMEZONE: z
    .string()
    .default('UTC')
    .refine((zone) => isValidTimezone(zone), 'must be an IANA time zone such as Europe/Berlin'),
  TIMER_POLL_MS: z.coerce.number().int().min(10).default(1000),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(200),
  /** How often time-based triggers (sleep, birthday, reorder) look for moments that came due. */
  SCAN_INTERVAL_MS: z.coerce.number().int().min(10).default(60_000),
  /** How often waiting lists of restocked products are fanned out, one batch per product at a time. */
  RESTOCK_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** How often the engine folds new dispatch counts into the counters the stats read (readers add the rest). */
  STATS_FOLD_MS: z.coerce.number().int().min(10).default(5000),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** How often the engine recounts its timer backlog for /metrics (an index-only count of pending dispatches). */
  TIMER_BACKLOG_REFRESH_MS: z.coerce.number().int().min(10).default(15_000),
  /**
   * `json`: one JSON object per line, for log collectors; `plain`: one readable line, for a terminal.
   * Unset, loadConfig picks `plain` on a terminal or under `npm start`, else this default (log-format.ts).
   */
  LOG_FORMAT: z.enum(['json', 'plain']).default('json'),
  /**
   * A consumer that has not got past a partition's waiting messages for this long makes /health answer
   * 503 naming the partition and the handler's last error (and counts in beckon_kafka_stalled_partitions).
   */
  CONSUMER_STALL_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * How long the broker waits for a silent consumer before handing its partitions to the others: a
   * SIGKILLed service's partitions wait this long, so short; the broker's floor is
   * group.min.session.timeout.ms (6 s by default). Batches heartbeat while they are handled.
   */
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(8_000),
  CONSUMER_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
  /** How long a rebalance waits for the live members to rejoin (a member rejoins once its batch in hand is done). */
  CONSUMER_REBALANCE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * Backoff of a failing batch, retried forever: doubling from the first to the longest wait. The longest
   * is how soon a consumer notices that a fault (database down) is over; no heartbeat is sent while
   * waiting, so it must stay under half the session timeout.
   */
  CONSUMER_RETRY_INITIAL_MS: z.coerce.number().int().min(10).default(300),
  CONSUMER_RETRY_MAX_MS: z.coerce.number().int().min(10).default(4_000),
  /** Metrics/health port of the headless services (engine, email, webpush); 0 picks a free port. */
  SERVICE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where every care signal is POSTed for a person to act on (CONTRACT.md §8); unset or empty: no webhook. */
  CARE_WEBHOOK_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ),
  /** HMAC-SHA256 key of the X-Beckon-Signature header; required when CARE_WEBHOOK_URL is set. */
  CARE_WEBHOOK_SECRET: z.string().optional(),
  CARE_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** Shorter than any lock or idle-transaction timeout: the claimed signals stay locked while their POSTs run. */
  CARE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Retry backoff: doubling from the first wait, capped at the longest, half of each wait random (jitter). */
  CARE_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(10_000),
  CARE_WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).default(3_600_000),
});

const DKIM_KEYS = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'] as const;
/** A receiver must not be able to guess the key that proves a webhook came from Beckon. */
const CARE_WEBHOOK_SECRET_MIN = 16;

/** The environment, with the checks that span several variables. */
const environmentSchema = configSchema.superRefine((config, ctx) => {
  if (config.CONSUMER_HEARTBEAT_INTERVAL_MS * 3 > config.CONSUMER_SESSION_TIMEOUT_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['CONSUMER_HEARTBEAT_INTERVAL_MS'],
      message: 'must be at most a third of CONSUMER_SESSION_TIMEOUT_MS',
    });
  }
  if (config.CONSUMER_RETRY_MAX_MS * 2 > config.CONSUMER_SESSION_TIMEOUT_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['CONSUMER_RETRY_MAX_MS'],
      message: 'must be at most half of CONSUMER_SESSION_TIMEOUT_MS (no heartbeat while a failed batch waits)',
    });
  }
  if (config.CONSUMER_RETRY_INITIAL_MS > config.CONSUMER_RETRY_MAX_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['CONSUMER_RETRY_INITIAL_MS'],
      message: 'must not exceed CONSUMER_RETRY_MAX_MS',
    });
  }
  if (config.CARE_WEBHOOK_URL !== undefined && (config.CARE_WEBHOOK_SECRET ?? '').length < CARE_WEBHOOK_SECRET_MIN) {
    ctx.addIssue({
      code: 'custom',
      path: ['CARE_WEBHOOK_SECRET'],
      message: `is required when CARE_WEBHOOK_URL is set (at least ${CARE_WEBHOOK_SECRET_MIN} characters): it signs every care webhook`,
    });
  }
  if (config.CARE_WEBHOOK_RETRY_BASE_MS > config.CARE_WEBHOOK_RETRY_MAX_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['CARE_WEBHOOK_RETRY_BASE_MS'],
      message: 'must not exceed CARE_WEBHOOK_RETRY_MAX_MS',
    });
  }
  const set = DKIM_KEYS.filter((key) => config[key]);
  if (set.length > 0 && set.length < DKIM_KEYS.length) {
    for (const key of DKIM_KEYS.filter((k) => !config[k])) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is required when ${set.join(', ')} is set` });
    }
  }
});

export type BeckonConfig = z.output<typeof configSchema>;

export class ConfigError extends Error {}

/**
 * Parses and validates configuration once at start-up so a bad variable stops the process with a clear message.
 * Without an argument it reads the process's own environment and, for LOG_FORMAT's default, its own
 * standard output; an explicit environment is read alone (its LOG_FORMAT default ignores the terminal).
 */
export function loadConfig(
  env?: NodeJS.ProcessEnv,
  stdout: { isTTY?: boolean } = env === undefined ? process.stdout : {},
): BeckonConfig {
  const source = env ?? process.env;
  const logFormat =
    source.LOG_FORMAT ??
    defaultLogFormat({ stdoutIsTTY: stdout.isTTY === true, npmLifecycleEvent: source.npm_lifecycle_event });
  const parsed = environmentSchema.safeParse({ ...source, LOG_FORMAT: logFormat });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Checks the variables a given service cannot run without. */
export function requireConfig<K extends keyof BeckonConfig>(
  config: BeckonConfig,
  keys: readonly K[],
  service: string,
): asserts config is BeckonConfig & {
  [P in K]-?: NonNullable<BeckonConfig[P]>;
} {
  const missing = keys.filter((key) => config[key] === undefined || config[key] === '');
  if (missing.length > 0) {
    throw new ConfigError(`${service} needs ${missing.join(', ')} to be set`);
  }
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

export { hhmm as HHMM_PATTERN };
