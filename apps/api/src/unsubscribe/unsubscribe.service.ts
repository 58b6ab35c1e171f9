import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { applyUnsubscribes, UnsubscribeClaim, verifyUnsubscribeToken } from '@beckon/consent';

@Injectable()
export class UnsubscribeService {
  constructor(
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly db: DataSource,
  ) {}

  /** The claim a link carries, or null when it was forged or mangled. */
  claimOf(token: string): UnsubscribeClaim | null {
    const secret = this.config.UNSUBSCRIBE_SECRET;
    // Without the secret no link can be checked; saying so beats pretending every link is forged.
    if (secret === undefined || secret === '')
      throw new ServiceUnavailableException('unsubscribe links are not configured');
    return verifyUnsubscribeToken(token, secret);
  }

  /** The same operation an `Unsubscribed` event gets in the engine, so a link and an event agree. Idempotent. */
  async unsubscribe(claim: UnsubscribeClaim): Promise<void> {
    await this.db.transaction((tx) => applyUnsubscribes(tx, [claim]));
  }
}
