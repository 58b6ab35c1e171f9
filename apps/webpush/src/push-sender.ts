import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { OutgoingHttpHeaders } from 'node:http';
import webpush from 'web-push';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { PushSubscriptionKeys, WebPushDispatchMessage } from '@beckon/contracts';
import { EncryptionPool } from './encryption-pool';
import { MAX_ANSWER_TEXT, PushAnswer, PushConnections } from './push-connections';
import { PushAttempt } from './push-response';

export interface VapidIdentity {
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface PushSenderOptions {
  /** An extra trusted certificate in PEM (a private or test push service); Node's trust store otherwise. */
  ca?: string;
  /** HTTP/2 to push services that offer it; default PUSH_HTTP2. */
  http2?: boolean;
  /** Socket timeout of one push request; default 10 s. */
  timeoutMs?: number;
  /** Worker threads that encrypt payloads; default PUSH_ENCRYPTION_THREADS. 0: on the main thread. */
  encryptionThreads?: number;
}

export interface PushRequest {
  ttlSeconds: number;
  urgency: WebPushDispatchMessage['urgency'];
  /** Already header-safe (see pushTopic). */
  topic?: string;
}

const PUSH_SENDER_OPTIONS = Symbol('PUSH_SENDER_OPTIONS');

/** RFC 8292 allows up to 24 h; sign for 12 h and renew hourly so a token never nears expiry in flight. */
const VAPID_LIFETIME_S = 12 * 60 * 60;
const VAPID_RENEW_MS = 60 * 60 * 1_000;

/**
 * Sends pushes (RFC 8030) with VAPID (RFC 8292) and encrypted payloads (RFC 8291). The VAPID JWT is
 * signed once per push-service origin and reused until renewal; requests go over one HTTP/2 session
 * per push service, or keep-alive HTTP/1.1 connections where HTTP/2 is not offered (push-connections.ts);
 * payloads are encrypted on worker threads (encryption-pool.ts), since the per-message ECDH costs more
 * CPU than the request. web-push only signs the JWT: its sendNotification encrypts on the calling thread.
 */
@Injectable()
export class PushSender implements OnApplicationShutdown {
  private readonly vapid: VapidIdentity;
  private readonly connections: PushConnections;
  private readonly encryption: EncryptionPool;
  private readonly authorizations = new Map<string, { header: string; renewAt: number }>();

  constructor(@Inject(BECKON_CONFIG) config: BeckonConfig, @Inject(PUSH_SENDER_OPTIONS) options: PushSenderOptions) {
    const { VAPID_SUBJECT: subject, VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = config;
    if (!subject || !publicKey || !privateKey) {
      throw new Error('web-push service needs VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT to be set');
    }
    this.vapid = { subject, publicKey, privateKey };
    this.authorization('https://push.invalid/'); // fail at start-up, not per message, on a bad key or subject
    this.connections = new PushConnections({
      ca: options.ca,
      http2: options.http2 ?? config.PUSH_HTTP2,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    this.encryption = new EncryptionPool(options.encryptionThreads ?? config.PUSH_ENCRYPTION_THREADS);
  }

  /** `vapid t=<JWT>, k=<public key>` for the endpoint's origin (the JWT audience). */
  authorization(endpoint: string, now = Date.now()): string {
    const origin = new URL(endpoint).origin;
    const cached = this.authorizations.get(origin);
    if (cached && cached.renewAt > now) return cached.header;
    const { subject, publicKey, privateKey } = this.vapid;
    const expiration = Math.floor(now / 1_000) + VAPID_LIFETIME_S;
    const header = webpush.getVapidHeaders(
      origin,
      subject,
      publicKey,
      privateKey,
      'aes128gcm',
      expiration,
    ).Authorization;
    this.authorizations.set(origin, { header, renewAt: now + VAPID_RENEW_MS });
    return header;
  }

  async send(subscription: PushSubscriptionKeys, payload: string, request: PushRequest): Promise<PushAttempt> {
    const { endpoint, keys } = subscription;
    let body: Buffer;
    try {
      body = await this.encryption.encrypt(keys.p256dh, keys.auth, payload);
    } catch (err) {
      return failure(err);
    }
    const headers: OutgoingHttpHeaders = {
      'Content-Type': 'application/octet-stream',
      'Content-Encoding': 'aes128gcm',
      'Content-Length': body.length,
      TTL: request.ttlSeconds,
      Urgency: request.urgency,
      Authorization: this.authorization(endpoint),
    };
    if (request.topic) headers.Topic = request.topic;
    try {
      return answer(await this.connections.post(endpoint, headers, body));
    } catch (err) {
      return failure(err);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.connections.close();
    await this.encryption.close();
  }
}

function answer({ status, retryAfter, text }: PushAnswer): PushAttempt {
  if (status >= 200 && status < 300) return { status, error: null };
  return { status, retryAfter, error: `${status} ${text}`.trim().slice(0, MAX_ANSWER_TEXT) };
}

/** No answer: the key could not be used (ERR_CRYPTO_*), or the network, TLS or timeout failed. */
function failure(err: unknown): PushAttempt {
  const error = err as Error & { code?: unknown };
  return { errorCode: typeof error.code === 'string' ? error.code : undefined, error: error.message ?? String(err) };
}

@Module({})
export class PushSenderModule {
  static forRoot(options: PushSenderOptions = {}): DynamicModule {
    return {
      module: PushSenderModule,
      providers: [{ provide: PUSH_SENDER_OPTIONS, useValue: options }, PushSender],
      exports: [PushSender],
    };
  }
}
