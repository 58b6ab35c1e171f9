import nodemailer from 'nodemailer';
import { EmailDispatchMessage } from '@beckon/contracts';
import { composeMail, messageIdFor, senderDomain, textEncodingFor, unsubscribeMailto } from './mail-message';

const message: EmailDispatchMessage = {
  dispatchId: '3b241101-e2bb-4255-8caf-4136c566a962',
  ruleId: 'r',
  customerId: 'c',
  step: 1,
  correlationId: 'x',
  createdAt: '2025-11-23T08:00:00.000Z',
  channel: 'email',
  to: 'alice@example.com',
  subject: 'Your cart is waiting',
  html: '<p>Hi</p>',
  text: 'Hi',
  unsubscribeUrl: `https://shop.example.com/u/${'t'.repeat(120)}`,
};

/** The raw message nodemailer would put on the wire. */
async function rawMessage(mail: ReturnType<typeof composeMail>): Promise<string> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
  const info = await transport.sendMail(mail);
  return (info.message as Buffer).toString('utf8');
}

/** The raw message unfolded into header name → value. */
async function render(mail: ReturnType<typeof composeMail>): Promise<Record<string, string>> {
  const raw = await rawMessage(mail);
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  return headers;
}

describe('senderDomain / messageIdFor', () => {
  it('takes the domain from MAIL_FROM', () => {
    expect(senderDomain('Beckon Shop <shop@Example.com>')).toBe('example.com');
    expect(senderDomain('shop@mail.example.org')).toBe('mail.example.org');
    expect(senderDomain('nobody')).toBe('beckon.invalid');
  });

  it('derives a stable Message-ID from the dispatch id', () => {
    expect(messageIdFor(message.dispatchId, 'example.com')).toBe(`<${message.dispatchId}@example.com>`);
  });
});

describe('unsubscribeMailto', () => {
  it('names the dispatch in the subject, URL-encoded', () => {
    expect(unsubscribeMailto('u@shop.example', 'd-1')).toBe('mailto:u@shop.example?subject=unsubscribe%20d-1');
  });
});

describe('composeMail', () => {
  it('writes the one-click unsubscribe headers exactly, with dispatch id and Message-ID', async () => {
    const headers = await render(composeMail(message, 'Beckon Shop <shop@example.com>'));
    expect(headers['list-unsubscribe']).toBe(`<${message.unsubscribeUrl}>`);
    expect(headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['x-beckon-dispatch']).toBe(message.dispatchId);
    expect(headers['message-id']).toBe(`<${message.dispatchId}@example.com>`);
    expect(headers['subject']).toBe('Your cart is waiting');
    expect(headers['from']).toBe('Beckon Shop <shop@example.com>');
  });

  it('offers a mailto after the HTTPS link, in the same header, when an unsubscribe address is configured', async () => {
    const mail = composeMail(message, 'shop@example.com', 'example.com', 'unsubscribe@shop.example');
    const headers = await render(mail);
    expect(headers['list-unsubscribe']).toBe(
      `<${message.unsubscribeUrl}>, <mailto:unsubscribe@shop.example?subject=unsubscribe%20${message.dispatchId}>`,
    );
    expect(headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('puts no mailto in transactional mail either', async () => {
    const mail = composeMail(
      { ...message, unsubscribeUrl: undefined },
      'shop@example.com',
      undefined,
      'u@shop.example',
    );
    expect((await render(mail))['list-unsubscribe']).toBeUndefined();
  });

  it('leaves the unsubscribe headers out of transactional mail', async () => {
    const headers = await render(composeMail({ ...message, unsubscribeUrl: undefined }, 'shop@example.com'));
    expect(headers['list-unsubscribe']).toBeUndefined();
    expect(headers['list-unsubscribe-post']).toBeUndefined();
    expect(headers['x-beckon-dispatch']).toBe(message.dispatchId);
  });
});

describe('textEncodingFor', () => {
  const transferEncodings = async (mail: ReturnType<typeof composeMail>) =>
    [...(await rawMessage(mail)).matchAll(/^Content-Transfer-Encoding: (.+)$/gim)].map((m) => m[1]);

  it.each([
    ['Latin with a few accents and a €', '<p>Café crème, 2 × 3,50 €</p>', 'quoted-printable'],
    ['Cyrillic', '<p>Ваша корзина ждёт вас: 2 товара</p>', 'base64'],
    ['Japanese', '<p>カートに商品が残っています</p>', 'base64'],
    ['control characters', '\x01\x02\x03\x04 ab', 'base64'],
  ])('chooses what nodemailer would for %s, without scanning the body its way', async (_label, html, expected) => {
    expect(textEncodingFor(html, undefined)).toBe(expected);
    const mail = composeMail({ ...message, html, text: html }, 'shop@example.com');
    const nodemailersOwn = { ...mail, textEncoding: undefined };
    expect(await transferEncodings(mail)).toEqual(await transferEncodings(nodemailersOwn));
    expect(await transferEncodings(mail)).toEqual([expected, expected]);
  });

  it('leaves plain ASCII with short lines as 7bit', async () => {
    expect(await transferEncodings(composeMail(message, 'shop@example.com'))).toEqual(['7bit', '7bit']);
  });
});
