import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import net from 'node:net';
import nodemailer, { Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import DKIM from 'nodemailer/lib/dkim';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { dkimOptions } from './dkim';

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');
export type MailTransport = Transporter<SMTPPool.SentMessageInfo>;

const CONNECT_TIMEOUT_MS = 30_000;

/**
 * Coalesces the writes of one event-loop turn into one writev. nodemailer streams a mail as many small
 * chunks (header lines, encoded body lines); with no-delay each would leave as its own system call
 * and packet.
 */
export function coalesceWrites(socket: net.Socket): net.Socket {
  const write = socket.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: net.Socket, ...args: Parameters<net.Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as net.Socket['write'];
  return socket;
}

/**
 * nodemailer's socket factory with TCP_NODELAY: without it every message waits ~40 ms for Nagle's
 * algorithm to meet the server's delayed ACK (see PERFORMANCE.md). STARTTLS / smtps upgrade the
 * returned socket as usual.
 */
export function connectWithoutDelay(
  options: SMTPPool.Options,
  callback: (err: Error | null, socketOptions: { connection: net.Socket } | null) => void,
): void {
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const host = options.host || 'localhost';
  const socket = net.connect({ host, port, noDelay: true });
  const timer = setTimeout(
    () => socket.destroy(Object.assign(new Error(`Connection timeout to ${host}:${port}`), { code: 'ETIMEDOUT' })),
    options.connectionTimeout ?? CONNECT_TIMEOUT_MS,
  );
  const fail = (err: Error & { code?: string }): void => {
    clearTimeout(timer);
    callback(Object.assign(err, { code: err.code ?? 'ECONNECTION' }), null);
  };
  socket.once('error', fail);
  socket.once('connect', () => {
    clearTimeout(timer);
    socket.off('error', fail); // nodemailer attaches its own handler synchronously
    callback(null, { connection: coalesceWrites(socket) });
  });
}

/**
 * A pooled SMTP transport for `SMTP_URL` (smtp:// or smtps://, credentials and options in the URL),
 * signing every mail with `dkim` when given.
 */
export function createMailTransport(smtpUrl: string, poolSize: number, dkim?: DKIM.Options): MailTransport {
  return nodemailer.createTransport({
    ...(dkim ? { dkim } : {}),
    ...parseConnectionUrl(smtpUrl),
    pool: true,
    maxConnections: poolSize,
    getSocket: connectWithoutDelay,
    // nodemailer's default closes a connection after 100 mails: a new TCP + greeting + EHLO every 100
    // sends cost a third of the throughput. A server with its own limit closes it; the pool reconnects.
    maxMessages: Infinity,
  });
}

@Module({
  providers: [
    {
      provide: MAIL_TRANSPORT,
      inject: [BECKON_CONFIG],
      useFactory: (config: BeckonConfig): MailTransport => {
        if (!config.SMTP_URL) throw new Error('email service needs SMTP_URL to be set');
        const transport = createMailTransport(config.SMTP_URL, config.SMTP_POOL_SIZE, dkimOptions(config));
        const logger = new Logger('MailTransport');
        // A pooled connection's error is also reported to the send it broke; unhandled it would end the process.
        transport.on('error', (err) => logger.warn(`SMTP transport: ${err.message}`));
        return transport;
      },
    },
  ],
  exports: [MAIL_TRANSPORT],
})
export class MailTransportModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
