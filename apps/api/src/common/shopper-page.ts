import { applyDecorators, Header } from '@nestjs/common';

/** Pages for shoppers (unsubscribe, survey answers), not the API. */

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

/** A small self-contained HTML page: `body` is HTML the caller built, `title` is escaped here. */
export function shopperPage(title: string, body: string): string {
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
 * No key, no cookies, nothing cached, and the token in the URL (which names the customer) is not
 * leaked to other sites through the Referer header.
 */
const PAGE_HEADERS: Array<[string, string]> = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ['Cache-Control', 'no-store'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Robots-Tag', 'noindex'],
  ['Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"],
];

export const pageHeaders = (): MethodDecorator =>
  applyDecorators(...PAGE_HEADERS.map(([name, value]) => Header(name, value)));

/** An OpenAPI response that is an HTML page. */
export const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
