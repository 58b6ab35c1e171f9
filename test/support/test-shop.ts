import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { eventually } from './storefront';

/** What the shop's pages need to know of Beckon: its base URL and the source key they send with. */
export interface ShopBeckon {
  host: string;
  writeKey: string;
}

export interface TestShop {
  /** `http://127.0.0.1:<port>`: an origin of its own, as a real shop's is. */
  origin: string;
  /** Paths (with query) the shop was asked for, in order. */
  requests: string[];
  /** Set once Beckon runs (its CORS_ORIGINS needs the shop's origin first). */
  useBeckon(beckon: ShopBeckon): void;
  waitForRequest(path: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * A shop on 127.0.0.1: a home page that loads beckon.js from Beckon, the one-line service-worker
 * file a shop hosts (`importScripts` of Beckon's sw.js), and product pages a notification links to.
 */
export async function startTestShop(): Promise<TestShop> {
  let beckon: ShopBeckon | undefined;
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (beckon === undefined) return send(503, 'text/plain', 'Beckon not started yet');
    if (path === '/') {
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><html><head><title>Test shop</title>
<script src="${beckon.host}/sdk/beckon.js"></script>
<script>beckon.init(${JSON.stringify({ host: beckon.host, writeKey: beckon.writeKey })});</script>
</head><body><h1>Test shop</h1></body></html>`,
      );
    }
    if (path === '/beckon-sw.js') {
      return send(200, 'text/javascript', `importScripts('${beckon.host}/sdk/sw.js');\n`);
    }
    if (path === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (path.startsWith('/p/')) return send(200, 'text/html; charset=utf-8', `<!doctype html><title>${path}</title>`);
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    useBeckon(value) {
      beckon = value;
    },
    waitForRequest: (path, timeoutMs = 15_000) =>
      eventually(async () => requests.find((seen) => seen === path), timeoutMs, `the shop to be asked for ${path}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
