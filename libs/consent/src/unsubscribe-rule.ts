import type { UnsubscribeScope } from './unsubscribe-token';

/** The channels a customer consents to (or not) one by one. */
export type ConsentChannel = 'email' | 'webpush';

export type Consent = Record<ConsentChannel, boolean>;

/** One opt-out, from a signed link (API) or an `Unsubscribed` event (engine). */
export interface Unsubscribe {
  customerId: string;
  channel: UnsubscribeScope;
}

/** The consents an opt-out withdraws: its channel, or every channel for `all`. */
export function withdrawnBy(scope: UnsubscribeScope): Consent {
  return { email: scope === 'email' || scope === 'all', webpush: scope === 'webpush' || scope === 'all' };
}

/**
 * The rule both paths follow: a customer's open sequences end (reason `unsubscribed`) once they
 * consent to no channel at all, since none of their steps could ever go out. While one channel is
 * still welcome the sequences run on, and each step skips the withdrawn channel when it picks one
 * (suppressed `unsubscribed` when that was its only channel).
 */
export function endsSequences(consent: Consent): boolean {
  return !consent.email && !consent.webpush;
}
