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
