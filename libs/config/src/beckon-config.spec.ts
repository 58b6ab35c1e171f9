import { availableParallelism } from 'node:os';
import { ConfigError, HHMM_PATTERN, isValidTimezone, loadConfig, requireConfig } from './beckon-config';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the contract defaults (§2) to an empty environment', () => {
    const config = loadConfig({});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/beckon');
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
    expect(config.KAFKA_EVENTS_TOPIC).toBe('storefront.events');
    expect(config.API_KEYS).toEqual([]);
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.MAIL_FROM).toBeUndefined();
    expect(config.VAPID_PUBLIC_KEY).toBeUndefined();
    expect(config.VAPID_PRIVATE_KEY).toBeUndefined();
    expect(config.VAPID_SUBJECT).toBeUndefined();
    expect(config.UNSUBSCRIBE_SECRET).toBeUndefined();
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4444';
    try {
      expect(loadConfig({}).PORT).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it('splits KAFKA_BROKERS on commas, trimming and dropping empty parts', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9093 ,,k3:9094,' }).KAFKA_BROKERS).toEqual([
      'k1:9092',
      'k2:9093',
      'k3:9094',
    ]);
  });

  it('parses API_KEYS as role:key pairs', () => {
    expect(loadConfig({ API_KEYS: 'marketer:abc,ops:def' }).API_KEYS).toEqual([
      { role: 'marketer', key: 'abc' },
      { role: 'ops', key: 'def' },
    ]);
  });

  it('knows the source role (write keys) and reads CORS_ORIGINS as exact origins', () => {
    expect(loadConfig({ API_KEYS: 'source:pk_1' }).API_KEYS).toEqual([{ role: 'source', key: 'pk_1' }]);
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://shop.example.com, http://127.0.0.1:8080/' }).CORS_ORIGINS).toEqual([
      'https://shop.example.com',
      'http://127.0.0.1:8080',
    ]);
    for (const value of ['*', 'shop.example.com', 'https://shop.example.com/path', 'ftp://x.example'])
      expect(errorOf(() => loadConfig({ CORS_ORIGINS: value })).message).toContain('CORS_ORIGINS');
  });

  it('keeps colons inside a key and tolerates spaces around entries', () => {
    expect(loadConfig({ API_KEYS: ' ops:a:b:c , marketer:x ' }).API_KEYS).toEqual([
      { role: 'ops', key: 'a:b:c' },
      { role: 'marketer', key: 'x' },
    ]);
  });

  it.each(['admin:abc', 'marketer:', 'abc', 'marketer:abc,root:def'])(
    'refuses API_KEYS=%j with a ConfigError naming API_KEYS',
    (value) => {
      const error = errorOf(() => loadConfig({ API_KEYS: value }));
      expect(error.message).toContain('API_KEYS');
      expect(error.message).toMatch(/role marketer or ops/);
    },
  );

  it('coerces numeric variables from strings and refuses bad ones by name', () => {
    expect(loadConfig({ PORT: '8080', DATABASE_POOL_SIZE: '20' })).toMatchObject({
      PORT: 8080,
      DATABASE_POOL_SIZE: 20,
    });
    expect(errorOf(() => loadConfig({ PORT: 'eighty' })).message).toContain('PORT');
    expect(errorOf(() => loadConfig({ PORT: '70000' })).message).toContain('PORT');
  });

  it('refuses a DATABASE_URL or PUBLIC_BASE_URL that is not a URL', () => {
    expect(errorOf(() => loadConfig({ DATABASE_URL: 'localhost' })).message).toContain('DATABASE_URL');
    expect(errorOf(() => loadConfig({ PUBLIC_BASE_URL: 'shop' })).message).toContain('PUBLIC_BASE_URL');
  });

  it('lists every bad variable in one error', () => {
    const message = errorOf(() => loadConfig({ PORT: 'x', API_KEYS: 'boss:1', LOG_LEVEL: 'loud' })).message;
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('PORT');
    expect(message).toContain('API_KEYS');
    expect(message).toContain('LOG_LEVEL');
  });

  it('ignores unknown variables', () => {
    expect(() => loadConfig({ HOME: '/root', SOMETHING_ELSE: '1' })).not.toThrow();
  });
});

describe('logging and metrics', () => {
  it('logs JSON at level log by default, recounting the timer backlog every 15 s', () => {
    expect(loadConfig({})).toMatchObject({ LOG_LEVEL: 'log', LOG_FORMAT: 'json', TIMER_BACKLOG_REFRESH_MS: 15_000 });
    expect(loadConfig({ LOG_FORMAT: 'plain', TIMER_BACKLOG_REFRESH_MS: '500' })).toMatchObject({
      LOG_FORMAT: 'plain',
      TIMER_BACKLOG_REFRESH_MS: 500,
    });
  });

  it('logs readable lines under npm start and on a terminal unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig({ npm_lifecycle_event: 'start' }).LOG_FORMAT).toBe('plain');
    expect(loadConfig({ npm_lifecycle_event: 'test' }).LOG_FORMAT).toBe('json');
    expect(loadConfig({}, { isTTY: true }).LOG_FORMAT).toBe('plain');
    expect(loadConfig({ LOG_FORMAT: 'json', npm_lifecycle_event: 'start' }, { isTTY: true }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'plain' }, { isTTY: false }).LOG_FORMAT).toBe('plain');
  });

  it('looks at the terminal only when reading its own environment', () => {
    const isTTY = process.stdout.isTTY;
    process.stdout.isTTY = true;
    try {
      expect(loadConfig({}).LOG_FORMAT).toBe('json');
      expect(loadConfig().LOG_FORMAT).toBe(process.env.LOG_FORMAT ?? 'plain');
    } finally {
      process.stdout.isTTY = isTTY;
    }
  });

  it('refuses an unknown format and a refresh faster than 10 ms', () => {
    const message = errorOf(() => loadConfig({ LOG_FORMAT: 'pretty', TIMER_BACKLOG_REFRESH_MS: '1' })).message;
    expect(message).toContain('LOG_FORMAT');
    expect(message).toContain('TIMER_BACKLOG_REFRESH_MS');
  });
});

describe('consumer liveness', () => {
  it('reports a stall after 60 s and leaves a dead member 8 s, heartbeating every second, by default', () => {
    expect(loadConfig({})).toMatchObject({
      CONSUMER_STALL_MS: 60_000,
      CONSUMER_SESSION_TIMEOUT_MS: 8_000,
      CONSUMER_HEARTBEAT_INTERVAL_MS: 1_000,
      CONSUMER_REBALANCE_TIMEOUT_MS: 30_000,
      CONSUMER_RETRY_INITIAL_MS: 300,
      CONSUMER_RETRY_MAX_MS: 4_000,
    });
  });

  it('refuses heartbeats too rare for the session and a backoff that would outlast it', () => {
    const message = errorOf(() =>
      loadConfig({
        CONSUMER_SESSION_TIMEOUT_MS: '6000',
        CONSUMER_HEARTBEAT_INTERVAL_MS: '3000',
        CONSUMER_RETRY_MAX_MS: '5000',
      }),
    ).message;
    expect(message).toContain('CONSUMER_HEARTBEAT_INTERVAL_MS');
    expect(message).toContain('CONSUMER_RETRY_MAX_MS');
    expect(errorOf(() => loadConfig({ CONSUMER_RETRY_INITIAL_MS: '5000' })).message).toContain(
      'CONSUMER_RETRY_INITIAL_MS',
    );
  });
});

describe('web push', () => {
  it('speaks HTTP/2 with 256 pushes in flight and an encryption thread per core by default', () => {
    const config = loadConfig({});
    expect(config.PUSH_HTTP2).toBe(true);
    expect(config.PUSH_CONCURRENCY).toBe(256);
    expect(config.PUSH_ENCRYPTION_THREADS).toBe(availableParallelism());
  });

  it('takes PUSH_HTTP2 as a boolean word and refuses anything else', () => {
    expect(loadConfig({ PUSH_HTTP2: 'false' }).PUSH_HTTP2).toBe(false);
    expect(loadConfig({ PUSH_HTTP2: '0' }).PUSH_HTTP2).toBe(false);
    expect(loadConfig({ PUSH_HTTP2: 'true' }).PUSH_HTTP2).toBe(true);
    expect(() => loadConfig({ PUSH_HTTP2: 'maybe' })).toThrow(/PUSH_HTTP2/);
    expect(() => loadConfig({ PUSH_CONCURRENCY: '0' })).toThrow(/PUSH_CONCURRENCY/);
    expect(loadConfig({ PUSH_ENCRYPTION_THREADS: '0' }).PUSH_ENCRYPTION_THREADS).toBe(0);
  });
});

describe('DKIM', () => {
  const dkim = { DKIM_DOMAIN: 'shop.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: '/etc/dkim.pem' };

  it('is off by default and on with all three variables', () => {
    const empty = loadConfig({});
    expect([empty.DKIM_DOMAIN, empty.DKIM_SELECTOR, empty.DKIM_PRIVATE_KEY]).toEqual([undefined, undefined, undefined]);
    expect(loadConfig(dkim)).toMatchObject(dkim);
  });

  it('refuses DKIM half configured, naming what is missing', () => {
    const message = errorOf(() => loadConfig({ DKIM_DOMAIN: 'shop.example' })).message;
    expect(message).toContain('DKIM_SELECTOR: is required when DKIM_DOMAIN is set');
    expect(message).toContain('DKIM_PRIVATE_KEY: is required when DKIM_DOMAIN is set');
  });
});

describe('UNSUBSCRIBE_MAILTO', () => {
  it('is unset by default', () => {
    expect(loadConfig({}).UNSUBSCRIBE_MAILTO).toBeUndefined();
  });

  it('takes UNSUBSCRIBE_MAILTO as an address, with or without mailto:', () => {
    expect(loadConfig({ UNSUBSCRIBE_MAILTO: 'unsubscribe@shop.example' }).UNSUBSCRIBE_MAILTO).toBe(
      'unsubscribe@shop.example',
    );
    expect(loadConfig({ UNSUBSCRIBE_MAILTO: 'mailto:unsubscribe@shop.example' }).UNSUBSCRIBE_MAILTO).toBe(
      'unsubscribe@shop.example',
    );
    expect(errorOf(() => loadConfig({ UNSUBSCRIBE_MAILTO: 'not an address' })).message).toContain('UNSUBSCRIBE_MAILTO');
  });
});

describe('requireConfig', () => {
  it('passes when the variables are set', () => {
    const config = loadConfig({ SMTP_URL: 'smtp://127.0.0.1:1025', MAIL_FROM: 'shop@example.com' });
    expect(() => requireConfig(config, ['SMTP_URL', 'MAIL_FROM'], 'email')).not.toThrow();
  });

  it('names the service and every missing or empty variable', () => {
    const config = loadConfig({ SMTP_URL: '' });
    const error = errorOf(() => requireConfig(config, ['SMTP_URL', 'MAIL_FROM'], 'email'));
    expect(error.message).toBe('email needs SMTP_URL, MAIL_FROM to be set');
  });
});

describe('isValidTimezone and HHMM_PATTERN', () => {
  it('tells IANA zones from made-up ones', () => {
    expect(isValidTimezone('Europe/Paris')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('Mars/Olympus')).toBe(false);
  });

  it('matches 24-hour HH:MM only', () => {
    expect(['00:00', '09:30', '23:59'].every((v) => HHMM_PATTERN.test(v))).toBe(true);
    expect(['24:00', '9:30', '12:60', '12:00:00'].some((v) => HHMM_PATTERN.test(v))).toBe(false);
  });
});
