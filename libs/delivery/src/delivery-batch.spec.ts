import { Logger } from '@nestjs/common';
import { KafkaMessage, Message, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { DeliveryBatch, DeliveryChannel, REASON_HEADER, WAVE_PER_SLOT, waves } from './delivery-batch';
import { DeliveryLedger, DeliveryOutcome, LedgerEntry } from './delivery-ledger';
import { DeliveryMetrics } from './delivery-metrics';
import { parseDispatch } from './dispatch-message';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const schema = z.object({ dispatchId: z.guid(), fail: z.boolean().optional() });
type Msg = z.infer<typeof schema>;

const kafkaMessage = (value: unknown, offset = 0): KafkaMessage =>
  ({
    key: Buffer.from('customer'),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: { source: 'engine' },
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
  }) as KafkaMessage;

/** The ledger's contract, in memory. */
class FakeLedger {
  calls: string[] = [];
  closed: Array<[string[], string, string]> = [];
  recorded: DeliveryOutcome[] = [];
  finished: string[] = [];
  constructor(
    readonly entries: Map<string, Partial<LedgerEntry>>,
    private readonly claimable = (_id: string) => true,
  ) {}
  async inspect(ids: string[]) {
    this.calls.push('inspect');
    const found = new Map<string, LedgerEntry>();
    for (const dispatchId of ids) {
      const e = this.entries.get(dispatchId);
      if (e) {
        found.set(dispatchId, {
          dispatchId,
          dispatchStatus: 'queued',
          dispatchReason: null,
          attemptState: null,
          attemptError: null,
          attemptFinished: false,
          consent: null,
          ...e,
        });
      }
    }
    return found;
  }
  async close(ids: string[], status: string, reason: string) {
    if (ids.length) this.closed.push([ids, status, reason]);
  }
  async abandon(ids: string[]) {
    return ids;
  }
  claimed: string[] = [];
  async claim(ids: string[]) {
    this.calls.push('claim');
    const mine = ids.filter(this.claimable);
    this.claimed.push(...mine);
    return new Set(mine);
  }
  async record(outcomes: DeliveryOutcome[]) {
    if (outcomes.length) this.calls.push('record');
    this.recorded.push(...outcomes);
  }
  async finish(ids: string[]) {
    this.finished.push(...ids);
  }
}

function setup(entries: Map<string, Partial<LedgerEntry>>, claimable?: (id: string) => boolean) {
  const ledger = new FakeLedger(entries, claimable);
  const sent: Message[] = [];
  const producer = { send: jest.fn(async ({ messages }: { messages: Message[] }) => void sent.push(...messages)) };
  const delivered: string[] = [];
  const afterRecord = jest.fn(async () => undefined);
  const channel: DeliveryChannel<Msg> = {
    name: 'email',
    concurrency: 2,
    parse: (value) => parseDispatch(value, schema),
    deliver: async (message) => {
      delivered.push(message.dispatchId);
      return message.fail
        ? {
            dispatchId: message.dispatchId,
            status: 'failed',
            reason: 'smtp:550',
            providerResponse: '550 no',
            attempts: 1,
            error: 'no',
          }
        : {
            dispatchId: message.dispatchId,
            status: 'sent',
            reason: null,
            providerResponse: '250 ok',
            attempts: 1,
            error: null,
          };
    },
    afterRecord,
  };
  const registry = new Registry();
  const batch = new DeliveryBatch(
    channel,
    ledger as unknown as DeliveryLedger,
    producer as unknown as Producer,
    'dlq',
    new DeliveryMetrics(registry, 'email'),
  );
  const reasons = () => sent.map((m) => String((m.headers ?? {})[REASON_HEADER]));
  const sends = async () =>
    Object.fromEntries(
      (await registry.getSingleMetric('beckon_sends_total')!.get()).values.map((v) => [
        `${v.labels.status}/${v.labels.reason}`,
        v.value,
      ]),
    );
  return { batch, ledger, producer, sent, delivered, afterRecord, reasons, registry, sends };
}

describe('DeliveryBatch', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends claimed dispatches once and dead-letters what cannot be sent', async () => {
    const { batch, ledger, sent, delivered, reasons, afterRecord } = setup(new Map([[id(1), {}]]));
    const report = await batch.handle([
      kafkaMessage({ dispatchId: id(1) }, 1),
      kafkaMessage('{not json', 2),
      kafkaMessage({ dispatchId: id(1) }, 3), // duplicate within the batch
      kafkaMessage({ dispatchId: id(2) }, 4), // no dispatches row
      kafkaMessage({ dispatchId: id(3), fail: 'yes' }, 5), // schema violation with a usable id
    ]);
    expect(delivered).toEqual([id(1)]);
    expect(report).toMatchObject({ sent: 1, failed: 0, skipped: 1, deadLettered: 3 });
    expect(reasons()).toEqual(['malformed', 'malformed', 'unknown_dispatch']);
    expect(sent[0]).toMatchObject({ key: Buffer.from('customer'), value: Buffer.from('{not json') });
    expect(sent[0].headers).toMatchObject({ source: 'engine', 'x-beckon-detail': expect.stringMatching(/^not JSON/) });
    expect(ledger.closed).toEqual([[[id(3)], 'failed', 'malformed']]);
    expect(ledger.calls).toEqual(['inspect', 'claim', 'record']);
    expect(afterRecord).toHaveBeenCalledTimes(1);
    expect(ledger.finished).toEqual([]);
  });

  it('counts the batch in beckon_sends_total by status and reason class, and times the sends', async () => {
    const { batch, sends, registry } = setup(
      new Map<string, Partial<LedgerEntry>>([
        [id(1), {}],
        [id(2), {}],
        [id(3), { consent: false }],
      ]),
    );
    await batch.handle([
      kafkaMessage({ dispatchId: id(1) }),
      kafkaMessage({ dispatchId: id(2), fail: true }),
      kafkaMessage({ dispatchId: id(3) }),
      kafkaMessage({ dispatchId: id(1) }),
      kafkaMessage('{not json'),
    ]);
    expect(await sends()).toEqual({
      'sent/none': 1,
      'failed/smtp:5xx': 1,
      'dead_lettered/smtp:5xx': 1,
      'dead_lettered/malformed': 1,
      'suppressed/unsubscribed': 1,
      'skipped/none': 1,
    });
    const durations = (await registry.getSingleMetric('beckon_send_duration_seconds')!.get()).values;
    expect(
      durations.filter((v) => (v as { metricName?: string }).metricName === 'beckon_send_duration_seconds_count'),
    ).toEqual([
      expect.objectContaining({ labels: { channel: 'email', status: 'sent' }, value: 1 }),
      expect.objectContaining({ labels: { channel: 'email', status: 'failed' }, value: 1 }),
    ]);
  });

  it('dead-letters a failed send and marks it finished afterwards', async () => {
    const { batch, ledger, sent, reasons } = setup(new Map([[id(1), {}]]));
    const report = await batch.handle([kafkaMessage({ dispatchId: id(1), fail: true })]);
    expect(report).toMatchObject({ sent: 0, failed: 1, deadLettered: 1 });
    expect(ledger.recorded).toMatchObject([{ dispatchId: id(1), status: 'failed', reason: 'smtp:550' }]);
    expect(reasons()).toEqual(['smtp:550']);
    expect(sent[0].value).toEqual(Buffer.from(JSON.stringify({ dispatchId: id(1), fail: true })));
    expect(ledger.finished).toEqual([id(1)]);
  });

  it('reconciles orphaned attempts, repeats unconfirmed dead letters, suppresses opt-outs, never resends', async () => {
    const { batch, ledger, delivered, reasons, producer } = setup(
      new Map<string, Partial<LedgerEntry>>([
        [id(1), { attemptState: 'attempting' }],
        [id(2), { dispatchStatus: 'failed', dispatchReason: 'smtp:550', attemptState: 'failed' }],
        [id(3), { consent: false }],
        [id(4), { dispatchStatus: 'sent', attemptState: 'sent', attemptFinished: true }],
      ]),
    );
    const report = await batch.handle([1, 2, 3, 4].map((n) => kafkaMessage({ dispatchId: id(n) }, n)));
    expect(delivered).toEqual([]);
    expect(report).toMatchObject({ sent: 0, reconciled: 1, suppressed: 1, skipped: 1, deadLettered: 2 });
    expect(reasons()).toEqual(['smtp:550', 'unknown_outcome']);
    expect(ledger.closed).toEqual([[[id(3)], 'suppressed', 'unsubscribed']]);
    expect(ledger.finished.sort()).toEqual([id(1), id(2)]);
    expect(producer.send).toHaveBeenCalledTimes(1);
  });

  it('sends only what this instance claimed', async () => {
    const { batch, delivered, producer } = setup(
      new Map([
        [id(1), {}],
        [id(2), {}],
      ]),
      (dispatchId) => dispatchId === id(2),
    );
    const report = await batch.handle([kafkaMessage({ dispatchId: id(1) }), kafkaMessage({ dispatchId: id(2) })]);
    expect(delivered).toEqual([id(2)]);
    expect(report).toMatchObject({ sent: 1, skipped: 1 });
    expect(producer.send).not.toHaveBeenCalled();
  });

  it('records a wave while sending the next, so a crash leaves at most two waves in doubt and the rest unclaimed', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => id(i + 1));
    const { batch, ledger, delivered } = setup(new Map(ids.map((dispatchId) => [dispatchId, {}])));
    const wave = 2 * WAVE_PER_SLOT; // the fake channel's concurrency is 2
    let records = 0;
    const record = ledger.record.bind(ledger);
    ledger.record = async (outcomes: DeliveryOutcome[]) => {
      if (++records >= 2) throw new Error('database gone'); // every retry too: the batch fails as a crash would
      return record(outcomes);
    };
    await expect(batch.handle(ids.map((dispatchId, i) => kafkaMessage({ dispatchId }, i)))).rejects.toThrow();
    // wave 2's record fails while wave 3 is claimed and sent; wave 4 and 5 are never claimed
    expect(ledger.calls).toEqual(['inspect', 'claim', 'record', 'claim', 'claim']);
    expect(ledger.claimed).toEqual(ids.slice(0, 3 * wave));
    expect(delivered).toEqual(ids.slice(0, 3 * wave));
    expect(ledger.recorded.map((o) => o.dispatchId)).toEqual(ids.slice(0, wave));
  });
});

describe('waves', () => {
  it('slices in order, the last one shorter', () => {
    expect(waves([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(waves([], 3)).toEqual([]);
    expect(waves([1, 2], 0)).toEqual([[1], [2]]);
  });
});
