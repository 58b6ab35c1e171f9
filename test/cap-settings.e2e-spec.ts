import { DataSource } from 'typeorm';
import { CapsService } from '../apps/api/src/caps/caps.service';
import { CapSettingsRepository } from '../apps/engine/src/capping/cap-settings.repository';
import { loadCapSettings, saveCapSettings } from '../libs/persistence/src';
import { dataSourceOptions } from '../libs/persistence/src/data-source';
import { defaultCapSettings } from '../libs/rules/src';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

/** `cap_settings` has one home: what the API writes is what the engine reads, defaults included. */
describe('cap settings on PostgreSQL', () => {
  let databaseUrl: string;
  let db: DataSource;
  let api: CapsService;
  let engine: CapSettingsRepository;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('cap_settings');
    db = await new DataSource(dataSourceOptions(databaseUrl, 2)).initialize();
    const config = testConfig(databaseUrl, { DEFAULT_TIMEZONE: 'Europe/Lisbon' });
    api = new CapsService(db, config);
    engine = new CapSettingsRepository(config);
  });

  afterAll(async () => {
    await db?.destroy();
    if (databaseUrl !== undefined) await dropTestDatabase(databaseUrl);
  });

  it('gives both the documented defaults, in DEFAULT_TIMEZONE, while no row exists', async () => {
    await db.query('DELETE FROM cap_settings');
    const defaults = defaultCapSettings('Europe/Lisbon');
    expect(await api.get()).toEqual(defaults);
    expect(await db.transaction((tx) => engine.load(tx))).toEqual(defaults);
  });

  it('lets the engine read, in its transaction, what the API wrote; a second write replaces the first', async () => {
    const first = {
      rules: [{ channel: 'email' as const, max: 2, per: 'PT12H' }],
      quietHours: { start: '22:00', end: '07:30' },
      defaultTimezone: 'America/New_York',
      care: { window: 'PT48H', signals: ['complaint' as const] },
    };
    expect(await api.put(first)).toEqual(first);
    expect(await db.transaction((tx) => engine.load(tx))).toEqual(first);

    const second = { rules: [], quietHours: null, defaultTimezone: 'UTC', care: { window: 'P14D', signals: [] } };
    await saveCapSettings(db, second);
    expect(await api.get()).toEqual(second);
    expect(await loadCapSettings(db, 'Europe/Lisbon')).toEqual(second);
    expect(await db.query('SELECT count(*)::int AS n FROM cap_settings')).toEqual([{ n: 1 }]);
  });
});
