import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  capSettingsSchema,
  defaultCapSettings,
  defaultCareSettings,
  parseCapWindow,
  parseDefaultCaps,
} from './caps.schema';

describe('cap windows', () => {
  it('takes whole hours, days or weeks', () => {
    expect(parseCapWindow('PT16H')).toEqual({ unit: 'hours', count: 16 });
    expect(parseCapWindow('P1D')).toEqual({ unit: 'days', count: 1 });
    expect(parseCapWindow('P2W')).toEqual({ unit: 'days', count: 14 });
  });

  it('refuses mixed, fractional, empty, zero and overlong windows', () => {
    for (const per of ['P1DT12H', 'PT30M', 'PT1.5H', 'P', 'PT0H', 'P0D', 'P91D', 'PT2161H', 'P1M', '16h', ''])
      expect(parseCapWindow(per)).toBeNull();
    expect(parseCapWindow('P90D')).not.toBeNull();
  });
});

describe('capSettingsSchema', () => {
  it('accepts the contract example and the defaults', () => {
    const example = {
      rules: [
        { channel: 'email', max: 1, per: 'PT16H' },
        { channel: 'email', max: 3, per: 'P7D' },
        { channel: 'webpush', max: 1, per: 'P1D' },
        { channel: 'any', max: 5, per: 'P7D' },
      ],
      quietHours: { start: '21:00', end: '09:00' },
      defaultTimezone: 'UTC',
    };
    // Caps written without `care` (CONTRACT §8) mean the default care window.
    expect(capSettingsSchema.parse(example)).toEqual({ ...example, care: defaultCareSettings() });
    expect(capSettingsSchema.parse(defaultCapSettings('Asia/Vladivostok')).defaultTimezone).toBe('Asia/Vladivostok');
    expect(capSettingsSchema.parse({ rules: [], quietHours: null, defaultTimezone: 'UTC' }).quietHours).toBeNull();
  });

  it('names every wrong field', () => {
    const result = capSettingsSchema.safeParse({
      rules: [{ channel: 'sms', max: 0, per: 'PT30M' }],
      quietHours: { start: '25:00', end: '25:00' },
      defaultTimezone: 'Mars/Olympus_Mons',
    });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(fields).toEqual(
      expect.arrayContaining([
        'rules.0.channel',
        'rules.0.max',
        'rules.0.per',
        'quietHours.start',
        'quietHours.end',
        'defaultTimezone',
      ]),
    );
  });

  it('refuses an empty quiet window and missing fields', () => {
    const empty = capSettingsSchema.safeParse({
      rules: [],
      quietHours: { start: '09:00', end: '09:00' },
      defaultTimezone: 'UTC',
    });
    expect(empty.error!.issues).toEqual([expect.objectContaining({ path: ['quietHours', 'end'] })]);
    const missing = capSettingsSchema.safeParse({ rules: [] });
    expect(missing.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'defaultTimezone',
      'quietHours',
    ]);
  });
});

describe('the default caps (config/default-caps.json)', () => {
  const file = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'config', 'default-caps.json'), 'utf8'));

  it('are what holds until a marketer sets caps, in DEFAULT_TIMEZONE', () => {
    expect(defaultCapSettings('Europe/Berlin')).toEqual({
      rules: file.rules,
      quietHours: file.quietHours,
      defaultTimezone: 'Europe/Berlin',
      care: defaultCareSettings(),
    });
  });

  it('hand out copies, so a caller changing its settings leaves the defaults alone', () => {
    const settings = defaultCapSettings('UTC');
    settings.rules[0].max = 99;
    settings.quietHours!.start = '00:00';
    expect(defaultCapSettings('UTC')).toMatchObject({ rules: file.rules, quietHours: file.quietHours });
  });

  it('refuse a file with a wrong field, naming it', () => {
    expect(parseDefaultCaps(file)).toEqual({ rules: file.rules, quietHours: file.quietHours });
    expect(() => parseDefaultCaps({ ...file, rules: [{ channel: 'sms', max: 1, per: 'P1D' }] })).toThrow(
      /^config\/default-caps\.json: rules\.0\.channel/,
    );
    expect(() => parseDefaultCaps({ rules: [], quietHours: null })).toThrow(/quietHours/);
    expect(() => parseDefaultCaps({ ...file, defaultTimezone: 'UTC' })).toThrow(/defaultTimezone/);
  });
});
