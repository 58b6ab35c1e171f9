import type Mail from 'nodemailer/lib/mailer';
import addressparser from 'nodemailer/lib/addressparser';
import { EmailDispatchMessage } from '@beckon/contracts';

export const DISPATCH_HEADER = 'X-Beckon-Dispatch';

/** The sender's domain, for Message-IDs; a reserved name when MAIL_FROM has none. */
export function senderDomain(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const domain = first?.address.split('@')[1]?.trim().toLowerCase();
  return domain || 'beckon.invalid';
}

/** Stable per dispatch, so a retried or replayed send is recognisably the same message. */
export function messageIdFor(dispatchId: string, domain: string): string {
  return `<${dispatchId}@${domain}>`;
}

/**
 * `mailto:` for List-Unsubscribe: the dispatch id in the subject tells whoever reads that mailbox
 * which customer and message it is about (look it up in the dispatch log).
 */
export function unsubscribeMailto(address: string, dispatchId: string): string {
  return `mailto:${address}?subject=${encodeURIComponent(`unsubscribe ${dispatchId}`)}`;
}

/**
 * nodemailer's rule for text that is not plain 7-bit ASCII: quoted-printable when Latin letters
 * outnumber other characters, else base64 (Cyrillic or CJK triple in size as quoted-printable).
 * Counted here in one pass over the bodies; left to nodemailer it matches every letter of each body
 * into an array, a sixth of its cost of composing a mail.
 */
export function textEncodingFor(...texts: (string | undefined)[]): 'quoted-printable' | 'base64' {
  let latin = 0;
  let other = 0;
  for (const text of texts) {
    if (!text) continue;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
      else if (c >= 0x80 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) other++;
    }
  }
  return other < latin ? 'quoted-printable' : 'base64';
}

/**
 * The mail for one dispatch. Marketing mail (with an unsubscribe URL) carries RFC 2369/8058
 * one-click unsubscribe headers: `List-Unsubscribe: <url>` (then `, <mailto:…>` when an unsubscribe
 * address is configured, for receivers that only mail) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
 */
export function composeMail(
  message: EmailDispatchMessage,
  from: string,
  domain = senderDomain(from),
  unsubscribeAddress?: string,
): Mail.Options {
  const headers: Record<string, string | { prepared: boolean; value: string }> = {
    [DISPATCH_HEADER]: message.dispatchId,
  };
  const mail: Mail.Options = {
    from,
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    messageId: messageIdFor(message.dispatchId, domain),
    headers,
    textEncoding: textEncodingFor(message.html, message.text),
  };
  if (message.unsubscribeUrl) {
    // nodemailer writes `<url>` as a prepared header (folded only at whitespace, never inside the URL).
    // One header listing both (a nested array); a flat array would write two List-Unsubscribe headers.
    const urls = [message.unsubscribeUrl];
    if (unsubscribeAddress) urls.push(unsubscribeMailto(unsubscribeAddress, message.dispatchId));
    mail.list = { unsubscribe: [urls] };
    headers['List-Unsubscribe-Post'] = { prepared: true, value: 'List-Unsubscribe=One-Click' };
  }
  return mail;
}
