import type { UnsubscribeScope } from '@beckon/consent';
import { shopperPage as page } from '../common/shopper-page';

const WHAT: Record<UnsubscribeScope, string> = {
  email: 'marketing emails',
  webpush: 'browser notifications',
  all: 'marketing emails and browser notifications',
};

/**
 * The confirmation step: opening the link changes nothing, because mail scanners and link
 * previews follow links. Only the button (or a mail client's RFC 8058 POST) unsubscribes.
 */
export function confirmPage(scope: UnsubscribeScope): string {
  return page(
    'Unsubscribe',
    `<p>You will no longer receive ${WHAT[scope]} from us.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(scope: UnsubscribeScope): string {
  return page('You are unsubscribed', `<p>You will no longer receive ${WHAT[scope]} from us.</p>`);
}

export function invalidLinkPage(): string {
  return page(
    'This link is not valid',
    '<p>The unsubscribe link is incomplete or was changed. Please use the link from the message you received.</p>',
  );
}
