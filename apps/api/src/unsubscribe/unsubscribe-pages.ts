import type { UnsubscribeScope } from '@beckon/consent';

const WHAT: Record<UnsubscribeScope, string> = {
  email: 'marketing emails',
  webpush: 'browser notifications',
  all: 'marketing emails and browser notifications',
};

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

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
