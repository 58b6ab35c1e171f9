import http2, { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls, { TLSSocket } from 'node:tls';

export interface PushConnectionsOptions {
  /** Extra trusted certificate(s) in PEM, e.g. a test push service's; Node's store (with NODE_EXTRA_CA_CERTS) otherwise. */
  ca?: string;
  /** Speak HTTP/2 to push services that offer it (ALPN); false: HTTP/1.1 everywhere. Default true. */
  http2?: boolean;
  /** Time allowed for one request, from sending to the end of the answer. */
  timeoutMs: number;
}

/** A push service's answer; `text` holds at most the first MAX_ANSWER_TEXT characters of the body. */
export interface PushAnswer {
  status: number;
  retryAfter?: string;
  text: string;
}

export const MAX_ANSWER_TEXT = 500;
/** HTTP/1.1 connections per push-service origin, for services without HTTP/2. */
const HTTP1_SOCKETS_PER_ORIGIN = 64;
/** An HTTP/2 session without traffic for this long is closed; the next push opens a new one. */
const IDLE_SESSION_MS = 5 * 60_000;

type OriginRoute = { protocol: 'h2'; session: ClientHttp2Session } | { protocol: 'http/1.1' };

/**
 * Connections to push services, one route per origin. The big push services (FCM, Mozilla, Apple)
 * speak HTTP/2: one TLS connection then carries every push to that origin as concurrent streams,
 * with HPACK-compressed headers (the VAPID header is the same on every request), which costs about
 * half the CPU of HTTP/1.1 requests over a pool of keep-alive sockets. The protocol is negotiated
 * with ALPN on the first connection to an origin; a service that only speaks HTTP/1.1 gets a
 * keep-alive agent. A session that fails or is told to go away is forgotten, and the next push
 * negotiates afresh.
 */
export class PushConnections {
  private readonly routes = new Map<string, Promise<OriginRoute>>();
  private readonly agent: https.Agent;
  /** Streams in flight per HTTP/2 session. */
  private readonly streams = new Map<ClientHttp2Session, number>();
  private closed = false;

  constructor(private readonly options: PushConnectionsOptions) {
    this.agent = new https.Agent({ ca: options.ca, keepAlive: true, maxSockets: HTTP1_SOCKETS_PER_ORIGIN });
  }

  async post(endpoint: string, headers: OutgoingHttpHeaders, body: Buffer): Promise<PushAnswer> {
    if (this.closed) throw Object.assign(new Error('push connections are closed'), { code: 'ERR_PUSH_CLOSED' });
    const url = new URL(endpoint);
    const route = await this.route(url.origin);
    if (route.protocol === 'http/1.1') return this.postHttp1(url, headers, body);
    return this.postHttp2(route.session, url, headers, body);
  }

  close(): void {
    this.closed = true;
    for (const route of this.routes.values()) {
      route.then((r) => (r.protocol === 'h2' ? r.session.close() : undefined)).catch(() => undefined);
    }
    this.routes.clear();
    this.agent.destroy();
  }

  private route(origin: string): Promise<OriginRoute> {
    const known = this.routes.get(origin);
    if (known) return known;
    const route: Promise<OriginRoute> = this.negotiate(origin).then((negotiated) => {
      if (negotiated.protocol === 'h2') {
        const forget = () => {
          if (this.routes.get(origin) === route) this.routes.delete(origin);
        };
        negotiated.session.on('error', forget); // its streams in flight fail with it, reported per push
        negotiated.session.on('goaway', forget); // streams in flight finish; new ones go to a new session
        negotiated.session.on('close', forget);
      }
      return negotiated;
    });
    this.routes.set(origin, route);
    route.catch(() => this.routes.delete(origin)); // a failed connection is retried by the next push
    return route;
  }

  private async negotiate(origin: string): Promise<OriginRoute> {
    if (this.options.http2 === false) return { protocol: 'http/1.1' };
    const url = new URL(origin);
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        host: url.hostname,
        port: Number(url.port || 443),
        servername: isIP(url.hostname) ? undefined : url.hostname,
        ca: this.options.ca ? [...tls.rootCertificates, this.options.ca] : undefined,
        ALPNProtocols: ['h2', 'http/1.1'],
        timeout: this.options.timeoutMs,
      });
      s.once('secureConnect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('timeout', () => s.destroy(Object.assign(new Error('TLS connect timeout'), { code: 'ETIMEDOUT' })));
      s.once('error', reject);
    });
    socket.setTimeout(0);
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy(); // the agent opens its own keep-alive sockets
      return { protocol: 'http/1.1' };
    }
    const session = http2.connect(origin, { createConnection: () => socket });
    // The service's SETTINGS (its stream limit above all) before the first burst of streams: Node then
    // queues streams beyond the limit instead of having them refused.
    // A service that never sends them must not hold every push to it: the request timeout bounds the wait.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          session.destroy(Object.assign(new Error('no HTTP/2 settings from the push service'), { code: 'ETIMEDOUT' })),
        this.options.timeoutMs,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      session.once('remoteSettings', () => {
        clearTimeout(timer);
        session.off('error', fail);
        resolve();
      });
      session.once('error', fail);
      session.once('close', () => fail(new Error('the push service closed the connection before its settings')));
    });
    session.setTimeout(IDLE_SESSION_MS, () => session.close());
    session.unref(); // an idle session never keeps the process alive (see tracked)
    return { protocol: 'h2', session };
  }

  private postHttp2(session: ClientHttp2Session, url: URL, headers: OutgoingHttpHeaders, body: Buffer) {
    return this.tracked(
      session,
      new Promise<PushAnswer>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': `${url.pathname}${url.search}`, ...headers });
        let status = 0;
        let retryAfter: string | undefined;
        let text = '';
        stream.setEncoding('utf8');
        stream.on('response', (answer: IncomingHttpHeaders) => {
          status = Number(answer[':status']);
          retryAfter = single(answer['retry-after']);
        });
        stream.on('data', (chunk: string) => {
          if (text.length < MAX_ANSWER_TEXT) text += chunk;
        });
        stream.on('end', () => resolve({ status, retryAfter, text }));
        stream.on('error', reject);
        // Reset without an error (or the session went away): no answer; a no-op once 'end' resolved.
        stream.on('close', () =>
          reject(
            Object.assign(new Error(`push stream closed (code ${stream.rstCode})`), {
              code: 'ERR_HTTP2_STREAM_CLOSED',
            }),
          ),
        );
        stream.setTimeout(this.options.timeoutMs, () =>
          stream.destroy(Object.assign(new Error('push request timeout'), { code: 'ETIMEDOUT' })),
        );
        stream.end(body);
      }),
    );
  }

  private postHttp1(url: URL, headers: OutgoingHttpHeaders, body: Buffer): Promise<PushAnswer> {
    return new Promise<PushAnswer>((resolve, reject) => {
      const req = https.request(url, { method: 'POST', headers, agent: this.agent, timeout: this.options.timeoutMs });
      req.on('response', (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_ANSWER_TEXT) text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: single(res.headers['retry-after']), text }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('Socket timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A session with streams in flight keeps the process alive, as any pending request does; an idle one does not. */
  private async tracked<T>(session: ClientHttp2Session, request: Promise<T>): Promise<T> {
    const before = this.streams.get(session) ?? 0;
    this.streams.set(session, before + 1);
    if (before === 0) session.ref();
    try {
      return await request;
    } finally {
      const left = (this.streams.get(session) ?? 1) - 1;
      if (left > 0) this.streams.set(session, left);
      else {
        this.streams.delete(session);
        if (!session.destroyed) session.unref();
      }
    }
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
