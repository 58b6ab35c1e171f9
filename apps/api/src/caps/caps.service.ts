import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { loadCapSettings, saveCapSettings } from '@beckon/persistence';
import { CapSettings } from '@beckon/rules';

/** Global caps, quiet hours and the care window: one row, written whole by PUT; no row means the documented defaults. */
@Injectable()
export class CapsService {
  constructor(
    private readonly db: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
  ) {}

  get(): Promise<CapSettings> {
    return loadCapSettings(this.db, this.config.DEFAULT_TIMEZONE);
  }

  async put(settings: CapSettings): Promise<CapSettings> {
    await saveCapSettings(this.db, settings);
    return settings;
  }
}
