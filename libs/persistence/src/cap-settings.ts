import type { EntityManager } from 'typeorm';
import { CapRule, CapSettings, defaultCapSettings, QuietHours } from '@beckon/rules';

/** A transaction or the data source itself: anything that runs a query. */
export type Queryable = Pick<EntityManager, 'query'>;

interface CapSettingsRow {
  rules: CapRule[];
  quiet_hours: QuietHours | null;
  default_timezone: string;
}

/**
 * The global caps and quiet hours: one row, written whole; no row means the documented defaults,
 * with the deployment's DEFAULT_TIMEZONE. The only reader of `cap_settings` (the API and the engine
 * both come here), so the defaults cannot differ between what the API shows and what the engine does.
 */
export async function loadCapSettings(db: Queryable, defaultTimezone: string): Promise<CapSettings> {
  const [row]: CapSettingsRow[] = await db.query(
    `SELECT rules, quiet_hours, default_timezone FROM cap_settings WHERE id`,
  );
  if (row === undefined) return defaultCapSettings(defaultTimezone);
  return { rules: row.rules, quietHours: row.quiet_hours, defaultTimezone: row.default_timezone };
}

/** Replaces the settings whole (validated by the caller); the only writer of `cap_settings`. */
export async function saveCapSettings(db: Queryable, settings: CapSettings): Promise<void> {
  await db.query(
    `INSERT INTO cap_settings (id, rules, quiet_hours, default_timezone, updated_at)
     VALUES (true, $1::jsonb, $2::jsonb, $3, now())
     ON CONFLICT (id) DO UPDATE SET rules = EXCLUDED.rules, quiet_hours = EXCLUDED.quiet_hours,
       default_timezone = EXCLUDED.default_timezone, updated_at = now()`,
    [
      JSON.stringify(settings.rules),
      settings.quietHours && JSON.stringify(settings.quietHours),
      settings.defaultTimezone,
    ],
  );
}
