import { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface MailEnvelope {
  from: string;
  to: string[];
}

export interface ReceivedMail {
  envelope: MailEnvelope;
  /** Lower-cased header name -> unfolded raw value (RFC 2047 words left encoded); first occurrence wins. */
  headers: Record<string, string>;
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  messageId: string | undefined;
  raw: string;
  parsed: ParsedMail;
  receivedAt: Date;
}

export interface SmtpFailure {
  code: number;
  message: string;
}

export interface RejectedMail extends SmtpFailure {
  stage: 'rcpt' | 'data';
  envelope: MailEnvelope;
}

export interface SmtpBehaviourContext {
  stage: 'rcpt' | 'data';
  /** 0-based index of the DATA command this transaction leads to (= number of DATA commands seen before it). */
  messageIndex: number;
  /** Only for stage 'rcpt': the recipient being offered. */
  recipient?: string;
  envelope: MailEnvelope;
}

/** Return a failure to reject the RCPT TO / DATA command, or nothing to accept it. */
export type SmtpBehaviour = (ctx: SmtpBehaviourContext) => SmtpFailure | undefined | void;

export interface SmtpSinkOptions {
  port?: number;
  behaviour?: SmtpBehaviour;
  /** Wait this long after a message's data before accepting it (sends stay in flight); default 0. */
  delayMs?: number;
}

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  readonly messages: ReceivedMail[];
  readonly rejected: RejectedMail[];
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  failNext(n: number, code: number, message: string): void;
  setBehaviour(behaviour: SmtpBehaviour | undefined): void;
  setDelay(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

interface Waiter {
  predicate: (mail: ReceivedMail) => boolean;
  resolve: (mail: ReceivedMail) => void;
}

interface PendingFailures extends SmtpFailure {
  remaining: number;
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const rejected: RejectedMail[] = [];
  const waiters = new Set<Waiter>();
  let behaviour = opts.behaviour;
  let pending: PendingFailures | undefined;
  let dataCount = 0;
  let delayMs = opts.delayMs ?? 0;

  const takeScriptedFailure = (): SmtpFailure | undefined => {
    if (!pending || pending.remaining <= 0) return undefined;
    pending.remaining -= 1;
    const failure = { code: pending.code, message: pending.message };
    if (pending.remaining === 0) pending = undefined;
    return failure;
  };

  const deliver = (mail: ReceivedMail): void => {
    messages.push(mail);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(mail)) {
        waiters.delete(waiter);
        waiter.resolve(mail);
      }
    }
  };

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    banner: 'beckon test smtp sink',
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const envelope = { ...envelopeOf(session), to: [...envelopeOf(session).to, address.address] };
      const failure = behaviour?.({ stage: 'rcpt', messageIndex: dataCount, recipient: address.address, envelope });
      if (failure) {
        rejected.push({ stage: 'rcpt', envelope, ...failure });
        return callback(smtpError(failure));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const messageIndex = dataCount++;
      const envelope = envelopeOf(session);
      readAll(stream)
        .then(async (raw) => {
          // The data is in: from here on the message is the server's even if the sender never hears the reply.
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
          const failure = takeScriptedFailure() ?? behaviour?.({ stage: 'data', messageIndex, envelope });
          if (failure) {
            rejected.push({ stage: 'data', envelope, ...failure });
            return callback(smtpError(failure));
          }
          deliver(await toReceivedMail(envelope, raw));
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Swallow per-connection errors (e.g. client resets) so a misbehaving sender cannot crash the test process.
  server.on('error', () => undefined);

  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    rejected,
    waitFor(predicate, timeoutMs = 15_000) {
      const existing = messages.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`SMTP sink: no matching message within ${timeoutMs} ms. ${describeArrivals(messages, rejected)}`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(n, code, message) {
      pending = n > 0 ? { remaining: n, code, message } : undefined;
    },
    setBehaviour(next) {
      behaviour = next;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    reset() {
      messages.length = 0;
      rejected.length = 0;
      pending = undefined;
      dataCount = 0;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function envelopeOf(session: SMTPServerSession): MailEnvelope {
  const { mailFrom, rcptTo } = session.envelope;
  return { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address) };
}

function smtpError(failure: SmtpFailure): Error {
  // smtp-server turns `responseCode` into the SMTP reply code.
  return Object.assign(new Error(failure.message), { responseCode: failure.code });
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function toReceivedMail(envelope: MailEnvelope, raw: Buffer): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  return {
    envelope,
    headers: headerRecord(parsed),
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html === false ? undefined : parsed.html,
    messageId: parsed.messageId,
    raw: raw.toString('utf8'),
    parsed,
    receivedAt: new Date(),
  };
}

function headerRecord(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (key in headers) continue;
    const colon = line.indexOf(':');
    headers[key] = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return headers;
}

function describeArrivals(messages: ReceivedMail[], rejected: RejectedMail[]): string {
  const arrived = messages.map((m) => `  - to=${m.envelope.to.join(',')} subject=${JSON.stringify(m.subject)}`);
  const refused = rejected.map((r) => `  - ${r.stage} ${r.code} to=${r.envelope.to.join(',')} (${r.message})`);
  return [
    `Received ${messages.length} message(s)${arrived.length ? ':\n' + arrived.join('\n') : '.'}`,
    rejected.length ? `Rejected ${rejected.length}:\n${refused.join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
