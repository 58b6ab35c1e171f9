import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { loadCapSettings } from '@beckon/persistence';
import { CapSettings } from '@beckon/rules';

/**
 * The global caps and quiet hours the API stores (validated there). Read in each batch's own
 * transaction: one tiny row, and a change applies from the next batch on every engine.
 */
@Injectable()
export class CapSettingsRepository {
  constructor(@Inject(BECKON_CONFIG) private readonly config: BeckonConfig) {}

  load(tx: EntityManager): Promise<CapSettings> {
    return loadCapSettings(tx, this.config.DEFAULT_TIMEZONE);
  }
}
