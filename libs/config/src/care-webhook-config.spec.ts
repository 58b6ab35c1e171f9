import { ConfigError, loadConfig } from './beckon-config';

function messageOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const SECRET = 'a-secret-of-24-characters';

describe('care webhook configuration', () => {
  it('is off by default, and an empty URL means off too', () => {
    expect(loadConfig({}).CARE_WEBHOOK_URL).toBeUndefined();
    expect(loadConfig({ CARE_WEBHOOK_URL: '' }).CARE_WEBHOOK_URL).toBeUndefined();
  });

  it('takes an http or https URL with its secret', () => {
    const config = loadConfig({ CARE_WEBHOOK_URL: 'https://care.example.com/hook', CARE_WEBHOOK_SECRET: SECRET });
    expect(config.CARE_WEBHOOK_URL).toBe('https://care.example.com/hook');
    expect(config.CARE_WEBHOOK_SECRET).toBe(SECRET);
    expect(
      loadConfig({ CARE_WEBHOOK_URL: 'http://127.0.0.1:8080/', CARE_WEBHOOK_SECRET: SECRET }).CARE_WEBHOOK_URL,
    ).toBe('http://127.0.0.1:8080/');
  });

  it('refuses a URL that is not http(s)', () => {
    expect(messageOf({ CARE_WEBHOOK_URL: 'ftp://care.example.com', CARE_WEBHOOK_SECRET: SECRET })).toContain(
      'CARE_WEBHOOK_URL: must be an http:// or https:// URL',
    );
    expect(messageOf({ CARE_WEBHOOK_URL: 'care.example.com', CARE_WEBHOOK_SECRET: SECRET })).toContain(
      'CARE_WEBHOOK_URL',
    );
  });

  it('refuses a URL without a secret, or with a guessable one', () => {
    expect(messageOf({ CARE_WEBHOOK_URL: 'https://care.example.com' })).toContain(
      'CARE_WEBHOOK_SECRET: is required when CARE_WEBHOOK_URL is set',
    );
    expect(messageOf({ CARE_WEBHOOK_URL: 'https://care.example.com', CARE_WEBHOOK_SECRET: 'short' })).toContain(
      'at least 16 characters',
    );
  });

  it('refuses a first retry wait longer than the longest', () => {
    expect(messageOf({ CARE_WEBHOOK_RETRY_BASE_MS: '5000', CARE_WEBHOOK_RETRY_MAX_MS: '1000' })).toContain(
      'CARE_WEBHOOK_RETRY_BASE_MS: must not exceed CARE_WEBHOOK_RETRY_MAX_MS',
    );
  });
});
