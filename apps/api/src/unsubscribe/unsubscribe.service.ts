import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { UnsubscribeClaim, verifyUnsubscribeToken } from '@beckon/consent';

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

  /**
   * Withdraws consent and ends the customer's running sequences in one transaction, so no reminder
   * can slip out between the two. Idempotent: a second click changes nothing.
   */
  async unsubscribe(claim: UnsubscribeClaim): Promise<void> {
    const email = claim.channel === 'email' || claim.channel === 'all';
    const webpush = claim.channel === 'webpush' || claim.channel === 'all';
    await this.db.transaction(async (manager) => {
      // A link sent to an anonymous visitor must also bind the user that visitor became.
      const customers: Array<{ id: string }> = await manager.query(
        `UPDATE customers
            SET email_consent = email_consent AND NOT $2::boolean,
                webpush_consent = webpush_consent AND NOT $3::boolean,
                updated_at = now()
          WHERE id = $1 OR id = (SELECT merged_into FROM customers WHERE id = $1)
        RETURNING id`,
        [claim.customerId, email, webpush],
      );
      // Pending steps have no channel until they fire and email is the sequence's main channel, so an
      // email (or full) opt-out ends them; a webpush-only opt-out leaves them to the consent check at fire time.
      if (!email) return;
      const ids = [...new Set([claim.customerId, ...customers.map((row) => row.id)])];
      await manager.query(
        `UPDATE dispatches
            SET status = 'suppressed', reason = 'unsubscribed', due_at = NULL, updated_at = now()
          WHERE customer_id = ANY($1) AND status IN ('scheduled', 'deferred')`,
        [ids],
      );
    });
  }
}
