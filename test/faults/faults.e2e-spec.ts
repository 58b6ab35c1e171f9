import { randomUUID } from 'node:crypto';
import { identify, product, track } from '../support/storefront';
import { FaultStack, startFaultStack } from './fault-stack';
import { sleep, until } from './polling';
import { ServiceName } from './service-process';

/** Customers driven through the abandoned-cart reminder: even ones by email, odd ones by push. */
const CUSTOMERS = Number(process.env.FAULTS_CUSTOMERS ?? 3000);
const WAVES = 40;
const WAVE_INTERVAL_MS = 2000;
/** The last waves wait for the faults to be over, so every fault lands with events still coming. */
const WAVES_AFTER_FAULTS = 4;
/** Issue 10, point 6: a killed service is serving again within 10 s of its restart. */
const SERVING_AGAIN_WITHIN_MS = 10_000;
const QUIESCENCE_TIMEOUT_MS = 180_000;

interface Customer {
  /** As the dispatch log names the customer. */
  id: string;
  channel: 'email' | 'webpush';
  /** The e-mail address, or the push subscription's name at the endpoint. */
  address: string;
}

interface Restart {
  what: string;
  /** From the process's start to /health 200. */
  healthyMs: number;
  /** From the process's start to the first work it did (an event consumed, a message delivered). */
  servingMs: number;
}

const print = (line: string) => process.stdout.write(`[faults] ${line}\n`);

/**
 * Issue 10, point 5: the services as processes on a PostgreSQL and a broker of the suite's own,
 * a few thousand abandoned carts reminded by email and push while the engine is SIGKILLed twice,
 * the email and web-push services once each, and the broker and PostgreSQL restarted. Afterwards
 * every customer has exactly one message, or at most one and the dispatch logged unknown_outcome.
 */
describe('faults: kills and restarts while carts are being reminded', () => {
  let stack: FaultStack;
  const startedAt = Date.now();

  beforeAll(async () => {
    stack = await startFaultStack();
    print(`stack up in ${Date.now() - startedAt} ms (scratch ${stack.scratch.path})`);
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
    print(`suite took ${Math.round((Date.now() - startedAt) / 1000)} s`);
  }, 60_000);

  /** A failing run shows the end of every service's log before its scratch directory goes. */
  const showingLogsOnFailure = (test: () => Promise<void>) => async () => {
    try {
      await test();
    } catch (error) {
      for (const service of Object.values(stack.services)) print(`--- ${service.name}.log\n${service.tail()}`);
      print(`every log of this run (services, PostgreSQL, broker) kept in ${stack.keepLogs()}`);
      for (const service of Object.values(stack.services))
        print(`${service.name} /health: ${await service.healthBody()}`);
      throw error;
    }
  };

  it(
    'sends every customer exactly one reminder (or logs unknown_outcome, never resent) and loses none',
    showingLogsOnFailure(async () => {
      const rule = await stack.v1('/rules', 'POST', {
        name: 'Cart reminder under fire',
        trigger: 'abandoned_cart',
        params: { minCartValue: 0 },
        steps: [
          {
            after: 'PT2S',
            channels: ['email', 'webpush'],
            email: { subject: 'Your cart is waiting', html: '<p>{{ cart.item_count }} items</p>', text: 'cart' },
            webpush: { title: 'Still thinking?', body: '{{ cart.items | size }} items', url: '{{ cart.url }}' },
          },
        ],
      });
      expect(rule.status).toBe(201);
      const ruleId = (rule.json as { id: string }).id;
      // No caps or quiet hours: the reminder must go out whatever the time of day.
      const caps = await stack.v1('/caps', 'PUT', { rules: [], quietHours: null, defaultTimezone: 'UTC' });
      expect(caps.status).toBe(200);

      const customers = Array.from({ length: CUSTOMERS }, (_, i): Customer => {
        const name = `c${String(i).padStart(5, '0')}`;
        return i % 2 === 0
          ? { id: name, channel: 'email', address: `${name}@example.com` }
          : { id: `anon:${name}`, channel: 'webpush', address: name };
      });
      const eventsOf = (customer: Customer) => {
        const cart = { cart_id: `cart-${customer.address}`, ...product('beans', 12.5) };
        if (customer.channel === 'email') {
          const who = { userId: customer.id };
          return [identify(who, { email: customer.address }), track(who, 'Product Added', cart)];
        }
        const who = { anonymousId: customer.address };
        const subscription = stack.push.subscribe(customer.address);
        return [
          track(who, 'Push Subscription Created', { ...subscription, expiration_time: null }),
          track(who, 'Product Added', cart),
        ];
      };

      let faultsOver = false;
      /** Set when a fault fails the test, so the stream does not go on producing into a stack being closed. */
      let abandoned = false;
      const restarts: Restart[] = [];
      const infrastructure: Array<{ what: string; ms: number; engineConsumingMs: number }> = [];

      const stream = (async () => {
        const perWave = Math.ceil(CUSTOMERS / WAVES);
        for (let wave = 0; wave < WAVES && !abandoned; wave++) {
          if (wave === WAVES - WAVES_AFTER_FAULTS)
            await until('the faults to be over', async () => faultsOver, 300_000);
          const started = Date.now();
          await stack.produce(customers.slice(wave * perWave, (wave + 1) * perWave).flatMap(eventsOf));
          await sleep(Math.max(0, WAVE_INTERVAL_MS - (Date.now() - started)));
        }
        print(`stream: ${CUSTOMERS} customers produced in ${WAVES} waves by ${Date.now() - startedAt} ms`);
      })();

      /** An identify produced now, timed until the engine has stored it. */
      const engineConsumes = async (): Promise<number> => {
        const started = Date.now();
        const userId = `marker-${randomUUID()}`;
        await stack.produce([identify({ userId }, {})]);
        await until(
          'the engine to consume a marker event',
          async () => ((await stack.db.query('SELECT 1 FROM customers WHERE id = $1', [userId])).rowCount ?? 0) > 0,
          120_000,
        );
        return Date.now() - started;
      };

      const killAndRestart = async (name: ServiceName, label: string) => {
        const service = stack.services[name];
        await service.stop('SIGKILL');
        const restartedAt = service.start();
        let healthyMs = -1;
        const healthy = until(`${name} healthy again`, () => service.healthy(), 120_000).then(
          () => (healthyMs = Date.now() - restartedAt),
        );
        const delivered = (received: Array<{ receivedAt: Date }>) =>
          until(
            `${name} to deliver again`,
            async () => received.some((message) => message.receivedAt.getTime() >= restartedAt),
            120_000,
          );
        if (name === 'engine') await engineConsumes();
        else await delivered(name === 'email' ? stack.smtp.messages : stack.push.received);
        const servingMs = Date.now() - restartedAt;
        await healthy;
        restarts.push({ what: label, healthyMs, servingMs });
        print(`${label}: healthy ${healthyMs} ms, serving ${servingMs} ms after its restart`);
      };

      const restartInfrastructure = async (what: string, restart: () => void) => {
        const started = Date.now();
        restart();
        const ms = Date.now() - started;
        const engineConsumingMs = await engineConsumes();
        infrastructure.push({ what, ms, engineConsumingMs });
        print(`${what}: restarted in ${ms} ms, engine consuming again ${engineConsumingMs} ms later`);
      };

      const faults = (async () => {
        try {
          await sleep(6000);
          await killAndRestart('engine', 'engine SIGKILL #1');
          await sleep(3000);
          await killAndRestart('email', 'email SIGKILL');
          await sleep(3000);
          await killAndRestart('webpush', 'webpush SIGKILL');
          await sleep(3000);
          await restartInfrastructure('Kafka broker', () => stack.kafka.restart());
          await sleep(3000);
          await restartInfrastructure('PostgreSQL', () => stack.postgres.restart());
          await sleep(3000);
          await killAndRestart('engine', 'engine SIGKILL #2');
        } catch (error) {
          abandoned = true;
          throw error;
        } finally {
          faultsOver = true;
        }
      })();
      await Promise.all([stream, faults]);
      print(`faults over by ${Date.now() - startedAt} ms`);

      // Quiescence: every customer's reminder has an outcome (sent, or failed with its reason).
      const quietStarted = Date.now();
      const outcomes = async () =>
        Number(
          (
            await stack.db.query(
              `SELECT count(*) AS n FROM dispatches WHERE rule_id = $1 AND status IN ('sent', 'failed', 'suppressed')`,
              [ruleId],
            )
          ).rows[0].n,
        );
      await until(
        'every reminder to have an outcome',
        async () => (await outcomes()) >= CUSTOMERS,
        QUIESCENCE_TIMEOUT_MS,
      ).catch((error: Error) => print(error.message));
      // A late duplicate would arrive now: give it the time to.
      await sleep(3000);
      print(`quiescent ${Date.now() - quietStarted} ms after the faults`);

      const { rows } = await stack.db.query<{ customer_id: string; status: string; reason: string | null }>(
        `SELECT customer_id, status, reason FROM dispatches WHERE rule_id = $1`,
        [ruleId],
      );
      const logged = new Map(rows.map((row) => [row.customer_id, row]));
      const received = new Map<string, number>();
      const count = (address: string) => received.set(address, (received.get(address) ?? 0) + 1);
      for (const mail of stack.smtp.messages) for (const to of mail.envelope.to) count(to);
      for (const push of stack.push.received) count(push.subscriptionId);

      const tally = { sent: 0, unknownOutcome: 0, duplicates: 0, lost: 0 };
      const lost: string[] = [];
      const duplicated: string[] = [];
      for (const customer of customers) {
        const messages = received.get(customer.address) ?? 0;
        const dispatch = logged.get(customer.id);
        const inDoubt = dispatch?.status === 'failed' && dispatch.reason === 'unknown_outcome';
        if (messages > 1) {
          tally.duplicates++;
          duplicated.push(`${customer.id} got ${messages} (${dispatch?.status} ${dispatch?.reason ?? ''})`);
        } else if (inDoubt) tally.unknownOutcome++;
        else if (messages === 1 && dispatch?.status === 'sent') tally.sent++;
        else {
          tally.lost++;
          lost.push(
            `${customer.id}: ${messages} received, dispatch ${dispatch ? `${dispatch.status} ${dispatch.reason ?? ''}` : 'none'}`,
          );
        }
      }
      const strays = [...received.keys()].filter((address) => !customers.some((c) => c.address === address));
      print(
        `customers ${CUSTOMERS}: sent ${tally.sent}, unknown_outcome ${tally.unknownOutcome}, duplicates ${tally.duplicates}, lost ${tally.lost}` +
          ` (emails ${stack.smtp.messages.length}, pushes ${stack.push.received.length}, push refusals ${stack.push.rejected.length})`,
      );
      for (const restart of restarts)
        print(`restart ${restart.what}: healthy ${restart.healthyMs} ms, serving ${restart.servingMs} ms`);
      for (const line of [...lost.slice(0, 20), ...duplicated.slice(0, 20)]) print(`  ${line}`);

      expect(duplicated).toEqual([]);
      expect(lost).toEqual([]);
      expect(strays).toEqual([]);
      expect(tally.sent + tally.unknownOutcome).toBe(CUSTOMERS);
      expect(restarts.map((r) => r.what)).toEqual([
        'engine SIGKILL #1',
        'email SIGKILL',
        'webpush SIGKILL',
        'engine SIGKILL #2',
      ]);
      const tooSlow = restarts.filter((r) => Math.max(r.healthyMs, r.servingMs) > SERVING_AGAIN_WITHIN_MS);
      expect(tooSlow).toEqual([]);
    }),
  );
});
