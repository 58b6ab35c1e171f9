import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import https from 'node:https';
import webpush, { WebPushError } from 'web-push';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { PushSubscriptionKeys, WebPushDispatchMessage } from '@beckon/contracts';
import { PushAttempt } from './push-response';

export interface VapidIdentity {
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface PushSenderOptions {
  /**
   * The HTTPS agent for push services; default a keep-alive agent on Node's trust store, which
   * includes NODE_EXTRA_CA_CERTS. An injected agent is the caller's to destroy.
   */
  agent?: https.Agent;
  /** Socket timeout of one push request; default 10 s. */
  timeoutMs?: number;
}

export interface PushRequest {
  ttlSeconds: number;
  urgency: WebPushDispatchMessage['urgency'];
  /** Already header-safe (see pushTopic). */
  topic?: string;
}

const PUSH_SENDER_OPTIONS = Symbol('PUSH_SENDER_OPTIONS');

/**
 * The service's own HTTPS agent: connections kept alive (a TLS handshake per push would cost more
 * than the encryption), up to 64 per push-service origin. `tls` adds e.g. a private `ca`.
 */
export function createPushAgent(tls: Pick<https.AgentOptions, 'ca'> = {}): https.Agent {
  return new https.Agent({ ...tls, keepAlive: true, maxSockets: 64 });
}
/** RFC 8292 allows up to 24 h; sign for 12 h and renew hourly so a token never nears expiry in flight. */
const VAPID_LIFETIME_S = 12 * 60 * 60;
const VAPID_RENEW_MS = 60 * 60 * 1_000;

/**
 * Sends encrypted pushes with web-push. The VAPID JWT (ES256, ~75% of the crypto cost) is signed once
 * per push-service origin and reused until renewal, and connections are kept alive.
 */
@Injectable()
export class PushSender implements OnApplicationShutdown {
  private readonly vapid: VapidIdentity;
  private readonly agent: https.Agent;
  private readonly ownsAgent: boolean;
  private readonly timeoutMs: number;
  private readonly authorizations = new Map<string, { header: string; renewAt: number }>();

  constructor(@Inject(BECKON_CONFIG) config: BeckonConfig, @Inject(PUSH_SENDER_OPTIONS) options: PushSenderOptions) {
    const { VAPID_SUBJECT: subject, VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = config;
    if (!subject || !publicKey || !privateKey) {
      throw new Error('web-push service needs VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT to be set');
    }
    this.vapid = { subject, publicKey, privateKey };
    this.authorization('https://push.invalid/'); // fail at start-up, not per message, on a bad key or subject
    this.ownsAgent = options.agent === undefined;
    this.agent = options.agent ?? createPushAgent();
    this.timeoutMs = options.timeoutMs ?? 10_000;
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
    try {
      const result = await webpush.sendNotification(subscription, payload, {
        TTL: request.ttlSeconds,
        urgency: request.urgency,
        topic: request.topic,
        agent: this.agent,
        timeout: this.timeoutMs,
        // No per-message signing: the cached VAPID header below stands in for vapidDetails.
        vapidDetails: null as unknown as undefined,
        headers: { Authorization: this.authorization(subscription.endpoint) },
      });
      return { status: result.statusCode, error: null };
    } catch (err) {
      if (err instanceof WebPushError) {
        const retryAfter = err.headers['retry-after'];
        return {
          status: err.statusCode,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          error: `${err.statusCode} ${err.body}`.trim().slice(0, 500),
        };
      }
      const error = err as Error & { code?: unknown };
      return {
        errorCode: typeof error.code === 'string' ? error.code : undefined,
        error: error.message ?? String(err),
      };
    }
  }

  onApplicationShutdown(): void {
    if (this.ownsAgent) this.agent.destroy();
  }
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
