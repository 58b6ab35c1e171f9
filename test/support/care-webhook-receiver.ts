import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** How the receiver answers one request: 200, 500, a connection reset, or no answer at all. */
export type Answer = 'ok' | 'error' | 'reset' | 'hang';

export interface ReceivedWebhook {
  body: string;
  json: Record<string, unknown>;
  signature: string | undefined;
  contentType: string | undefined;
  /** The HMAC in X-Beckon-Signature matched the body under the shared secret. */
  verified: boolean;
  answer: Answer | 'forged';
}

/**
 * A care-webhook receiver on 127.0.0.1 as an integration of Beckon would write one: it checks the
 * signature over the raw body and refuses a forged one with 401; `answers` scripts the first answers
 * (then 200), `answerFor` scripts answers by signal id.
 */
export class CareWebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answers: Answer[] = [];
  answerFor: (id: string) => Answer | undefined = () => undefined;
  /** How long each answer takes, so POSTs from several engines overlap. */
  delayMs = 0;
  private server: Server | null = null;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly secret: string) {}

  /** The ids answered 200: what the receiving end actually took in. */
  get accepted(): string[] {
    return this.received.filter((r) => r.answer === 'ok').map((r) => String(r.json.id));
  }

  async listen(port = 0): Promise<number> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const signature = request.headers['x-beckon-signature'] as string | undefined;
    const verified = this.verify(body, signature);
    const json = JSON.parse(body) as Record<string, unknown>;
    const answer = verified ? (this.answerFor(String(json.id)) ?? this.answers.shift() ?? 'ok') : 'forged';
    this.received.push({ body, json, signature, contentType: request.headers['content-type'], verified, answer });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (answer === 'ok') response.writeHead(200).end();
    else if (answer === 'forged') response.writeHead(401).end('bad signature');
    else if (answer === 'error') response.writeHead(500, { 'content-type': 'text/plain' }).end('receiver broke');
    else if (answer === 'reset') request.socket.destroy();
    else this.hanging.add(response);
  }

  private verify(body: string, signature: string | undefined): boolean {
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`);
    const given = Buffer.from(signature ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** A port that was free a moment ago: where a receiver that is down would listen. */
export async function unusedPort(): Promise<number> {
  const probe = new CareWebhookReceiver('');
  const port = await probe.listen();
  await probe.close();
  return port;
}
