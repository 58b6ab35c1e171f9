import { PartitionStalls } from './partition-stalls';

describe('PartitionStalls', () => {
  it('reports a partition whose batch keeps failing once the threshold has passed, with the last error', () => {
    const stalls = new PartitionStalls();
    stalls.batchStarted('events', 2, 1_000);
    stalls.batchFailed('events', 2, new Error('connect ECONNREFUSED'));
    stalls.batchStarted('events', 2, 1_500);
    stalls.batchFailed('events', 2, new Error('the database system is starting up'));
    expect(stalls.stalled(1_999, 1_000)).toEqual([]);
    expect(stalls.stalled(2_000, 1_000)).toEqual([
      {
        topic: 'events',
        partition: 2,
        stalledForMs: 1_000,
        failures: 2,
        lastError: 'Error: the database system is starting up',
        lastSuccessAt: null,
      },
    ]);
  });

  it('counts a batch that never finishes (a hang) as a stall without an error', () => {
    const stalls = new PartitionStalls();
    stalls.batchStarted('events', 0, 0);
    expect(stalls.stalled(5_000, 1_000)).toEqual([expect.objectContaining({ partition: 0, lastError: null })]);
  });

  it('clears a stall once a batch of the partition goes through', () => {
    const stalls = new PartitionStalls();
    stalls.batchStarted('events', 1, 0);
    stalls.batchFailed('events', 1, 'boom');
    stalls.batchDone('events', 1, 9_000);
    expect(stalls.stalled(20_000, 1_000)).toEqual([]);
    stalls.batchStarted('events', 1, 30_000);
    expect(stalls.stalled(31_000, 1_000)).toEqual([
      expect.objectContaining({ stalledForMs: 1_000, failures: 0, lastSuccessAt: new Date(9_000) }),
    ]);
  });

  it('does not count a healthy partition that is busy with successive batches', () => {
    const stalls = new PartitionStalls();
    for (let t = 0; t < 10_000; t += 100) {
      stalls.batchStarted('events', 3, t);
      stalls.batchDone('events', 3, t + 50);
    }
    expect(stalls.stalled(10_000, 1_000)).toEqual([]);
  });

  it('forgets partitions a rebalance handed to another member, keeps those still owned', () => {
    const stalls = new PartitionStalls();
    stalls.batchStarted('events', 0, 0);
    stalls.batchStarted('events', 1, 0);
    stalls.assigned({ events: [1] });
    expect(stalls.stalled(5_000, 1_000).map((stall) => stall.partition)).toEqual([1]);
  });
});
