import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { CapRule, CapSettings, defaultCapSettings, QuietHours } from '@beckon/rules';

/**
 * The global caps and quiet hours the API stores (validated there). Read in each batch's own
 * transaction: one tiny row, and a change applies from the next batch on every engine.
 */
@Injectable()
export class CapSettingsRepository {
  constructor(@Inject(BECKON_CONFIG) private readonly config: BeckonConfig) {}

  async load(tx: EntityManager): Promise<CapSettings> {
    const [row]: Array<{ rules: CapRule[]; quiet_hours: QuietHours | null; default_timezone: string }> = await tx.query(
      `SELECT rules, quiet_hours, default_timezone FROM cap_settings WHERE id`,
    );
    if (row === undefined) return defaultCapSettings(this.config.DEFAULT_TIMEZONE);
    return { rules: row.rules, quietHours: row.quiet_hours, defaultTimezone: row.default_timezone };
  }
}
