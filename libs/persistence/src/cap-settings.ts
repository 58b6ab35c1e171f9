import type { EntityManager } from 'typeorm';
import { CapRule, CapSettings, CareSettings, defaultCapSettings, defaultCareSettings, QuietHours } from '@beckon/rules';

/** A transaction or the data source itself: anything that runs a query. */
export type Queryable = Pick<EntityManager, 'query'>;

interface CapSettingsRow {
  rules: CapRule[];
  quiet_hours: QuietHours | null;
  default_timezone: string;
  /** NULL: the default care window (CONTRACT §8), also for caps written before it existed. */
  care: CareSettings | null;
}

/**
 * The global caps and quiet hours: one row, written whole; no row means the documented defaults,
 * with the deployment's DEFAULT_TIMEZONE. The only reader of `cap_settings` (the API and the engine
 * both come here), so the defaults cannot differ between what the API shows and what the engine does.
 */
export async function loadCapSettings(db: Queryable, defaultTimezone: string): Promise<CapSettings> {
  const [row]: CapSettingsRow[] = await db.query(
    `SELECT rules, quiet_hours, default_timezone, care FROM cap_settings WHERE id`,
  );
  if (row === undefined) return defaultCapSettings(defaultTimezone);
  return {
    rules: row.rules,
    quietHours: row.quiet_hours,
    defaultTimezone: row.default_timezone,
    care: row.care ?? defaultCareSettings(),
  };
}

/** Replaces the settings whole (validated by the caller); the only writer of `cap_settings`. */
export async function saveCapSettings(db: Queryable, settings: CapSettings): Promise<void> {
  await db.query(
    `INSERT INTO cap_settings (id, rules, quiet_hours, default_timezone, care, updated_at)
     VALUES (true, $1::jsonb, $2::jsonb, $3, $4::jsonb, now())
     ON CONFLICT (id) DO UPDATE SET rules = EXCLUDED.rules, quiet_hours = EXCLUDED.quiet_hours,
       default_timezone = EXCLUDED.default_timezone, care = EXCLUDED.care, updated_at = now()`,
    [
      JSON.stringify(settings.rules),
      settings.quietHours && JSON.stringify(settings.quietHours),
      settings.defaultTimezone,
      JSON.stringify(settings.care),
    ],
  );
}
