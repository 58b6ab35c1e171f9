import { AddressInfo } from 'node:net';
import { createServer, Server, TLSSocket } from 'node:tls';
import webpush from 'web-push';
import { encryptPushPayload } from '../apps/webpush/src/aes128gcm';
import { PushConnections } from '../apps/webpush/src/push-connections';
import { generateLocalhostCertificate, PushEndpoint, startPushEndpoint } from './support/push-endpoint';

/** The web-push service's connections to push services, against real HTTP/2 and HTTP/1.1 endpoints. */
describe('push connections: HTTP/2 where offered, HTTP/1.1 otherwise', () => {
  const tls = generateLocalhostCertificate();
  const vapid = webpush.generateVAPIDKeys();
  let h2: PushEndpoint;
  let h1: PushEndpoint;
  let connections: PushConnections;

  beforeAll(async () => {
    h2 = await startPushEndpoint({ tls });
    h1 = await startPushEndpoint({ tls, http2: false });
  });
  beforeEach(() => {
    connections = new PushConnections({ ca: tls.cert, timeoutMs: 5_000 });
  });
  afterEach(() => connections.close());
  afterAll(async () => {
    await h2.close();
    await h1.close();
  });

  function push(endpoint: PushEndpoint, text: string) {
    const subscription = endpoint.subscribe();
    const { Authorization } = webpush.getVapidHeaders(
      endpoint.origin,
      'mailto:ops@example.com',
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
    );
    const body = encryptPushPayload(subscription.keys.p256dh, subscription.keys.auth, text);
    const headers = { 'Content-Encoding': 'aes128gcm', 'Content-Length': body.length, TTL: 60, Authorization };
    return connections.post(subscription.endpoint, headers, body);
  }

  it('carries concurrent pushes to an HTTP/2 push service over one connection', async () => {
    const before = h2.connectionCount();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => push(h2, `m${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
    expect(h2.connectionCount() - before).toBe(1);
    const received = h2.received.slice(-50);
    expect(new Set(received.map((p) => p.payload))).toEqual(new Set(answers.map((_, i) => `m${i}`)));
    expect(received.every((p) => p.httpVersion === '2.0')).toBe(true);
  });

  it('falls back to keep-alive HTTP/1.1 when the push service does not offer HTTP/2', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => push(h1, `old${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
    expect(h1.received.slice(-5).every((p) => p.httpVersion === '1.1')).toBe(true);
    const connectionsSoFar = h1.connectionCount();
    expect((await push(h1, 'again')).status).toBe(201);
    expect(h1.connectionCount()).toBe(connectionsSoFar); // kept alive, not one connection per push
  });

  it('opens a new session after the push service dropped the connection', async () => {
    expect((await push(h2, 'first')).status).toBe(201);
    h2.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = h2.connectionCount();
    expect((await push(h2, 'after the drop')).status).toBe(201);
    expect(h2.connectionCount()).toBe(before + 1);
    expect(h2.received.at(-1)?.payload).toBe('after the drop');
  });

  it('reports the answer of a refusing push service with its Retry-After', async () => {
    const subscription = h2.subscribe();
    h2.respondWith(subscription.endpoint, 429, { times: 1, headers: { 'Retry-After': '7' }, body: 'slow down' });
    const answer = await connections.post(subscription.endpoint, { TTL: 60 }, Buffer.alloc(0));
    expect(answer).toEqual({ status: 429, retryAfter: '7', text: 'slow down' });
  });

  it('fails a push to an origin nobody listens on with the network error, and the next one tries again', async () => {
    const unreachable = 'https://127.0.0.1:9/push/x';
    await expect(connections.post(unreachable, { TTL: 60 }, Buffer.alloc(0))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await expect(connections.post(unreachable, { TTL: 60 }, Buffer.alloc(0))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('gives up on a push service that offers HTTP/2 but never sends its settings, and tries again next time', async () => {
    const silent: TLSSocket[] = [];
    const server: Server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ['h2'] }, (socket) => {
      silent.push(socket); // accepts, negotiates h2, then says nothing
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const quick = new PushConnections({ ca: tls.cert, timeoutMs: 300 });
    try {
      const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/push/x`;
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(quick.post(endpoint, { TTL: 60 }, Buffer.alloc(0))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      }
      expect(silent).toHaveLength(2); // a new connection for the second push
    } finally {
      quick.close();
      for (const socket of silent) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('uses HTTP/1.1 only when told to', async () => {
    connections.close();
    connections = new PushConnections({ ca: tls.cert, timeoutMs: 5_000, http2: false });
    expect((await push(h2, 'plain')).status).toBe(201);
    expect(h2.received.at(-1)?.httpVersion).toBe('1.1');
  });
});
