import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startPushEndpoint } from '../test/support/push-endpoint';

/**
 * A receiver for bench/delivery.ts, forked so it does not share the sender's event loop:
 *   smtp  a counting SMTP server (no parsing beyond the X-Beckon-Dispatch header)
 *   push  test/support/push-endpoint.ts over HTTP/2 (and HTTP/1.1 for the plain baseline): VAPID
 *         verified and the aes128gcm header checked on every push, one in BENCH_PUSH_DECRYPT_ONE_IN
 *         decrypted (a push service never decrypts; the sample proves the encryption); certificate
 *         from BENCH_TLS_KEY / BENCH_TLS_CERT, BENCH_SUBSCRIPTIONS subscriptions
 * Talks over IPC: sends {type:'ready'}, answers {type:'stats'} with counts.
 */

export interface ReceiverStats {
  count: number;
  /** Messages whose content was read: every mail; the decrypted sample of pushes. */
  inspected: number;
  /** Distinct dispatch ids among those inspected; inspected - unique are duplicates (or messages without an id). */
  unique: number;
  rejected: number;
  /** CPU seconds (user + system) the receiver process used so far. */
  cpuSeconds: number;
}

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

export type ReceiverReady = { type: 'ready'; port: number; subscriptions?: unknown[] };

const send = (message: object): void => {
  process.send?.(message);
};

function countingSmtp(): void {
  const ids = new Set<string>();
  let count = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        count++;
        const id = /^X-Beckon-Dispatch: *(\S+)/im.exec(head)?.[1];
        if (id) ids.add(id);
        callback();
      });
    },
  });
  server.on('error', () => undefined); // a client reset must not end the receiver
  server.listen(0, '127.0.0.1', () => {
    send({ type: 'ready', port: (server.server.address() as AddressInfo).port } satisfies ReceiverReady);
  });
  process.on('message', () =>
    send({ type: 'stats', count, inspected: count, unique: ids.size, rejected: 0, cpuSeconds: cpuSeconds() }),
  );
}

async function pushEndpoint(): Promise<void> {
  const { BENCH_TLS_KEY: key, BENCH_TLS_CERT: cert } = process.env;
  if (!key || !cert) throw new Error('BENCH_TLS_KEY and BENCH_TLS_CERT are required');
  const decryptOneIn = Number(process.env.BENCH_PUSH_DECRYPT_ONE_IN ?? 1);
  const endpoint = await startPushEndpoint({ tls: { key, cert }, decryptOneIn });
  const subscriptions = Array.from({ length: Number(process.env.BENCH_SUBSCRIPTIONS ?? 100) }, () =>
    endpoint.subscribe(),
  );
  send({ type: 'ready', port: endpoint.port, subscriptions } satisfies ReceiverReady);
  let count = 0;
  let inspected = 0;
  const ids = new Set<string>();
  process.on('message', () => {
    for (const push of endpoint.received) {
      count++;
      if (!push.decrypted) continue;
      inspected++;
      const id = (push.json as { dispatchId?: string } | undefined)?.dispatchId;
      if (id) ids.add(id);
    }
    endpoint.received.length = 0; // counted: a long run must not hold every push in memory
    send({
      type: 'stats',
      count,
      inspected,
      unique: ids.size,
      rejected: endpoint.rejected.length,
      cpuSeconds: cpuSeconds(),
    });
  });
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0)); // exit normally, so --cpu-prof writes its profile
if (process.argv[2] === 'smtp') countingSmtp();
else
  pushEndpoint().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
