import {
  createECDH,
  createPublicKey,
  ECDH,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  randomUUID,
  verify,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import http2, { Http2ServerRequest, Http2ServerResponse, Http2Session } from 'node:http2';
import https from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt } from 'http_ece';
import { generate, SelfsignedOptions } from 'selfsigned';

export interface PushSubscriptionJSON {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export interface VapidClaims {
  aud: string;
  sub: string;
  exp: number;
  /** base64url of the uncompressed P-256 public key from the `k=` parameter. */
  publicKey: string;
}

export interface ReceivedPush {
  subscriptionId: string;
  endpoint: string;
  /** The decrypted payload; '' when the push had no body or was not decrypted (see `decryptOneIn`). */
  payload: string;
  /** Parsed payload when it is JSON, otherwise undefined. */
  json: unknown;
  decrypted: boolean;
  /** The HTTP version the sender spoke: '2.0' or '1.1'. */
  httpVersion: string;
  headers: { ttl: number; urgency: string | undefined; topic: string | undefined };
  vapid: VapidClaims;
  receivedAt: Date;
}

export interface RejectedPush {
  subscriptionId: string | undefined;
  path: string;
  status: number;
  reason: string;
  receivedAt: Date;
}

export interface RespondWithOptions {
  /** How many requests get the scripted answer; default: all of them until `respondWith` is called again. */
  times?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

export interface PushEndpointOptions {
  port?: number;
  /** Reuse a certificate (e.g. one already trusted via NODE_EXTRA_CA_CERTS); default: a fresh one. */
  tls?: TlsMaterial;
  /** Larger encrypted bodies are answered 413, as real push services do; default 4096. */
  maxBodyBytes?: number;
  /** Offer HTTP/2 (ALPN, with HTTP/1.1 for clients without it), as the big push services do; default true. */
  http2?: boolean;
  /**
   * Decrypt every push (1, the default: what a browser does) or only one in N. A push service never
   * decrypts (it cannot: the key is the browser's), so the delivery bench decrypts a sample to prove
   * the encryption and leaves the rest of the CPU to the sender; every push is still VAPID-checked and
   * its aes128gcm header validated.
   */
  decryptOneIn?: number;
}

export interface PushEndpoint {
  /** `https://127.0.0.1:PORT` — the VAPID `aud` the endpoint expects. */
  readonly origin: string;
  readonly port: number;
  /** PEM of the self-signed certificate, to be trusted by the sender. */
  readonly ca: string;
  readonly caPath: string;
  readonly received: ReceivedPush[];
  readonly rejected: RejectedPush[];
  subscribe(name?: string): PushSubscriptionJSON;
  respondWith(subscriptionIdOrEndpoint: string, status: number, opts?: RespondWithOptions): void;
  requestCount(subscriptionIdOrEndpoint: string): number;
  waitFor(predicate: (push: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush>;
  /** An https.Agent trusting this endpoint's certificate; destroyed on close(). */
  agent(): https.Agent;
  /** TCP connections accepted so far. */
  connectionCount(): number;
  /** Closes every open connection, as a push service restarting or balancing load does. */
  dropConnections(): void;
  close(): Promise<void>;
}

interface Subscription {
  id: string;
  endpoint: string;
  ecdh: ECDH;
  auth: Buffer;
  requests: number;
  script: Script | undefined;
}

interface Script {
  status: number;
  remaining: number;
  headers: Record<string, string>;
  body: string;
}

interface Waiter {
  predicate: (push: ReceivedPush) => boolean;
  resolve: (push: ReceivedPush) => void;
}

class Rejection extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

const MAX_VAPID_LIFETIME_S = 24 * 60 * 60;
const PUSH_PATH = /^\/push\/([^/?]+)$/;

export function generateLocalhostCertificate(): TlsMaterial {
  // selfsigned's own RSA generation is pure JS and slow; hand it a key pair from OpenSSL instead.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const options: SelfsignedOptions & { keyPair: { publicKey: string; privateKey: string } } = {
    keyPair: { publicKey, privateKey },
    days: 30,
    notBeforeDate: new Date(Date.now() - 60 * 60 * 1000),
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  };
  const pems = generate([{ name: 'commonName', value: '127.0.0.1' }], options);
  return { key: pems.private, cert: pems.cert };
}

export async function startPushEndpoint(opts: PushEndpointOptions = {}): Promise<PushEndpoint> {
  const tls = opts.tls ?? generateLocalhostCertificate();
  const maxBodyBytes = opts.maxBodyBytes ?? 4096;
  const tmp = mkdtempSync(join(tmpdir(), 'beckon-push-'));
  const caPath = join(tmp, 'ca.pem');
  writeFileSync(caPath, tls.cert);

  const subscriptions = new Map<string, Subscription>();
  const received: ReceivedPush[] = [];
  const rejected: RejectedPush[] = [];
  const waiters = new Set<Waiter>();
  const agents: https.Agent[] = [];
  const sockets = new Set<Socket>();
  let origin = '';

  const deliver = (push: ReceivedPush): void => {
    received.push(push);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(push)) {
        waiters.delete(waiter);
        waiter.resolve(push);
      }
    }
  };

  type Request = IncomingMessage | Http2ServerRequest;
  type Response = ServerResponse | Http2ServerResponse;
  let arrivals = 0;
  const decryptOneIn = Math.max(1, Math.floor(opts.decryptOneIn ?? 1));
  const handle = async (req: Request, res: Response): Promise<void> => {
    const path = req.url ?? '';
    const body = await readBody(req);
    const match = PUSH_PATH.exec(path);
    const subscription = match ? subscriptions.get(decodeURIComponent(match[1])) : undefined;
    try {
      if (req.method !== 'POST') throw new Rejection(405, `method ${req.method} not allowed`);
      if (!subscription) throw new Rejection(404, `no subscription at ${path}`);
      subscription.requests += 1;
      if (answerScripted(subscription, res)) return;
      const decrypt = arrivals++ % decryptOneIn === 0;
      const push = acceptPush(req, body, subscription, origin, maxBodyBytes, decrypt);
      res.writeHead(201, { Location: `/message/${randomUUID()}` }).end();
      deliver(push);
    } catch (err) {
      const status = err instanceof Rejection ? err.status : 500;
      const reason = err instanceof Error ? err.message : String(err);
      rejected.push({ subscriptionId: subscription?.id, path, status, reason, receivedAt: new Date() });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(reason);
    }
  };

  const onRequest = (req: Request, res: Response): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  };
  const server =
    opts.http2 === false
      ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest)
      : http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, onRequest);
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `https://127.0.0.1:${port}`;

  const lookup = (idOrEndpoint: string): Subscription => {
    const id = idOrEndpoint.startsWith('https://')
      ? decodeURIComponent(new URL(idOrEndpoint).pathname.replace(/^\/push\//, ''))
      : idOrEndpoint;
    const subscription = subscriptions.get(id);
    if (!subscription) throw new Error(`Push endpoint: unknown subscription ${JSON.stringify(idOrEndpoint)}`);
    return subscription;
  };

  return {
    origin,
    port,
    ca: tls.cert,
    caPath,
    received,
    rejected,
    subscribe(name) {
      const id = name ?? randomUUID();
      if (subscriptions.has(id)) throw new Error(`Push endpoint: subscription ${JSON.stringify(id)} already exists`);
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const endpoint = `${origin}/push/${encodeURIComponent(id)}`;
      subscriptions.set(id, { id, endpoint, ecdh, auth, requests: 0, script: undefined });
      return {
        endpoint,
        expirationTime: null,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      };
    },
    respondWith(idOrEndpoint, status, options = {}) {
      lookup(idOrEndpoint).script = {
        status,
        remaining: options.times ?? Number.POSITIVE_INFINITY,
        headers: options.headers ?? {},
        body: options.body ?? '',
      };
    },
    requestCount(idOrEndpoint) {
      return lookup(idOrEndpoint).requests;
    },
    waitFor(predicate, timeoutMs = 15_000) {
      const existing = received.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise<ReceivedPush>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (push) => {
            clearTimeout(timer);
            resolve(push);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `Push endpoint: no matching push within ${timeoutMs} ms. ${describeArrivals(received, rejected)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    agent() {
      const agent = new https.Agent({ ca: tls.cert, keepAlive: true });
      agents.push(agent);
      return agent;
    },
    connectionCount() {
      return connections;
    },
    dropConnections() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const agent of agents) agent.destroy();
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function answerScripted(subscription: Subscription, res: ServerResponse | Http2ServerResponse): boolean {
  const script = subscription.script;
  if (!script || script.remaining <= 0) return false;
  script.remaining -= 1;
  if (script.remaining <= 0) subscription.script = undefined;
  res.writeHead(script.status, script.headers).end(script.body);
  return true;
}

function acceptPush(
  req: IncomingMessage | Http2ServerRequest,
  body: Buffer,
  subscription: Subscription,
  origin: string,
  maxBodyBytes: number,
  decrypt: boolean,
): ReceivedPush {
  const vapid = verifyVapid(header(req, 'authorization'), origin);
  const ttl = parseTtl(header(req, 'ttl'));
  if (body.length > maxBodyBytes) throw new Rejection(413, `body of ${body.length} bytes exceeds ${maxBodyBytes}`);
  if (body.length > 0) checkEncryptedBody(req, body);
  const decrypted = decrypt && body.length > 0;
  const payload = decrypted ? decryptBody(body, subscription) : '';
  return {
    subscriptionId: subscription.id,
    endpoint: subscription.endpoint,
    payload,
    json: parseJson(payload),
    decrypted,
    httpVersion: req.httpVersion,
    headers: { ttl, urgency: header(req, 'urgency'), topic: header(req, 'topic') },
    vapid,
    receivedAt: new Date(),
  };
}

/** RFC 8188 header as RFC 8291 §4 requires it: salt(16) | rs(4) | idlen = 65 | an uncompressed P-256 key | ≥ one tag. */
function checkEncryptedBody(req: IncomingMessage | Http2ServerRequest, body: Buffer): void {
  const encoding = header(req, 'content-encoding');
  if (encoding !== 'aes128gcm')
    throw new Rejection(400, `Content-Encoding must be aes128gcm, got ${JSON.stringify(encoding)}`);
  if (body.length < 86 + 17 || body[20] !== 65 || body[21] !== 0x04 || body.readUInt32BE(16) < 18)
    throw new Rejection(400, 'body is not an aes128gcm record with a P-256 keyid');
}

function decryptBody(body: Buffer, subscription: Subscription): string {
  try {
    return decrypt(body, {
      version: 'aes128gcm',
      privateKey: subscription.ecdh,
      authSecret: subscription.auth,
    }).toString('utf8');
  } catch (err) {
    throw new Rejection(400, `cannot decrypt aes128gcm body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseTtl(value: string | undefined): number {
  if (value === undefined) throw new Rejection(400, 'missing TTL header');
  if (!/^\d+$/.test(value)) throw new Rejection(400, `invalid TTL header ${JSON.stringify(value)}`);
  return Number(value);
}

/** RFC 8292: `Authorization: vapid t=<ES256 JWT>, k=<uncompressed P-256 key>`. */
function verifyVapid(authorization: string | undefined, origin: string): VapidClaims {
  if (!authorization) throw new Rejection(401, 'missing Authorization header');
  const scheme = /^vapid\s+(.*)$/i.exec(authorization);
  if (!scheme) throw new Rejection(401, `Authorization scheme is not vapid: ${authorization.split(' ')[0]}`);
  const params = parseAuthParams(scheme[1]);
  const token = params.get('t');
  const k = params.get('k');
  if (!token || !k) throw new Rejection(401, 'vapid Authorization needs both t= and k=');

  const [encodedHeader, encodedClaims, encodedSignature, ...extra] = token.split('.');
  if (!encodedHeader || !encodedClaims || !encodedSignature || extra.length > 0)
    throw new Rejection(401, 'malformed JWT');
  const jwtHeader = decodeJsonSegment(encodedHeader);
  if (jwtHeader.alg !== 'ES256') throw new Rejection(401, `JWT alg must be ES256, got ${String(jwtHeader.alg)}`);
  verifySignature(`${encodedHeader}.${encodedClaims}`, encodedSignature, k);

  const claims = decodeJsonSegment(encodedClaims);
  const now = Math.floor(Date.now() / 1000);
  if (claims.aud !== origin) throw new Rejection(401, `JWT aud ${JSON.stringify(claims.aud)} is not ${origin}`);
  if (typeof claims.exp !== 'number') throw new Rejection(401, 'JWT exp missing');
  if (claims.exp <= now) throw new Rejection(401, `JWT expired at ${claims.exp} (now ${now})`);
  if (claims.exp > now + MAX_VAPID_LIFETIME_S)
    throw new Rejection(401, `JWT exp ${claims.exp} is more than 24 h ahead`);
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new Rejection(401, 'JWT sub missing');
  return { aud: claims.aud, sub: claims.sub, exp: claims.exp, publicKey: k };
}

/**
 * Signatures already verified, by key and token. A sender may reuse one token for an origin (RFC 8292
 * allows it until exp) and re-verifying it every time would make this endpoint, not the sender, the
 * bottleneck in the delivery bench. The claims (aud, exp, sub) are still checked on every request.
 */
const verifiedSignatures = new Set<string>();

function verifySignature(signedPart: string, encodedSignature: string, k: string): void {
  const cacheKey = `${k} ${signedPart}.${encodedSignature}`;
  if (verifiedSignatures.has(cacheKey)) return;
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (!verify('sha256', Buffer.from(signedPart), { key: p256KeyFromRaw(k), dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new Rejection(401, 'JWT signature does not verify against k');
  }
  if (verifiedSignatures.size >= 10_000) verifiedSignatures.clear();
  verifiedSignatures.add(cacheKey);
}

function parseAuthParams(raw: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return params;
}

function p256KeyFromRaw(base64url: string): KeyObject {
  const raw = Buffer.from(base64url, 'base64url');
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Rejection(401, 'k is not an uncompressed P-256 public key');
  try {
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    throw new Rejection(401, 'k is not a point on P-256');
  }
}

function decodeJsonSegment(segment: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the rejection below
  }
  throw new Rejection(401, 'JWT segment is not a JSON object');
}

function parseJson(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage | Http2ServerRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage | Http2ServerRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function describeArrivals(received: ReceivedPush[], rejected: RejectedPush[]): string {
  const ok = received.map((p) => `  - ${p.subscriptionId}: ${p.payload.slice(0, 200)}`);
  const bad = rejected.map((r) => `  - ${r.subscriptionId ?? r.path}: ${r.status} ${r.reason}`);
  return [
    `Received ${received.length} push(es)${ok.length ? ':\n' + ok.join('\n') : '.'}`,
    rejected.length ? `Rejected ${rejected.length}:\n${bad.join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
