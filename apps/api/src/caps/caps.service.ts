import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { CapRule, CapSettings, defaultCapSettings, QuietHours } from '@beckon/rules';

interface CapSettingsRow {
  rules: CapRule[];
  quiet_hours: QuietHours | null;
  default_timezone: string;
}

/** Global caps and quiet hours: one row, written whole by PUT; no row means the documented defaults. */
@Injectable()
export class CapsService {
  constructor(
    private readonly db: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
  ) {}

  async get(): Promise<CapSettings> {
    const [row]: CapSettingsRow[] = await this.db.query(
      `SELECT rules, quiet_hours, default_timezone FROM cap_settings WHERE id`,
    );
    if (row === undefined) return defaultCapSettings(this.config.DEFAULT_TIMEZONE);
    return { rules: row.rules, quietHours: row.quiet_hours, defaultTimezone: row.default_timezone };
  }

  async put(settings: CapSettings): Promise<CapSettings> {
    await this.db.query(
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
    return settings;
  }
}
