import { Counter, Registry } from 'prom-client';
import { CounterTally } from './counter-tally';

describe('CounterTally', () => {
  it('adds each label combination to the counter once, with its count', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 't_total',
      help: 't',
      labelNames: ['status', 'reason'],
      registers: [registry],
    });
    const inc = jest.spyOn(counter, 'inc');
    const tally = new CounterTally<'status' | 'reason'>()
      .add({ status: 'sent', reason: 'none' })
      .add({ status: 'failed', reason: 'smtp:5xx' })
      .add({ status: 'sent', reason: 'none' }, 3)
      .add({ status: 'retry', reason: 'transient' }, 0);
    expect(tally.entries()).toHaveLength(2);
    tally.addTo(counter);
    expect(inc).toHaveBeenCalledTimes(2);
    const values = (await counter.get()).values.map((v) => [v.labels.status, v.labels.reason, v.value]);
    expect(values).toEqual([
      ['sent', 'none', 4],
      ['failed', 'smtp:5xx', 1],
    ]);
    tally.addTo(counter); // emptied by the first addTo: nothing is counted twice
    expect((await counter.get()).values.find((v) => v.labels.status === 'sent')?.value).toBe(4);
  });
});
