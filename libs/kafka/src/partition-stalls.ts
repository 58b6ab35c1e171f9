/** A partition with messages waiting that the consumer has not got past for longer than the threshold. */
export interface PartitionStall {
  topic: string;
  partition: number;
  /** Since the oldest batch still unhandled on the partition was first handed to the handler. */
  stalledForMs: number;
  /** Failed attempts at that batch so far (kafkajs fetches it again after each). */
  failures: number;
  /** What the handler threw last, or null while it is still running (a hang rather than a failure). */
  lastError: string | null;
  /** When a batch of this partition last went through, or null if none has since this consumer started. */
  lastSuccessAt: Date | null;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Set when a batch arrives and nothing is pending, cleared when a batch goes through: there was lag all along. */
  pendingSince: number | null;
  failures: number;
  lastError: string | null;
  lastSuccessAt: number | null;
}

const keyOf = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Progress per partition, as seen from the batches handed to the handler. A batch is only handed over
 * when the partition has messages, and a failed one is fetched again, so "a batch pending since t" is
 * exactly "lag and no progress since t" without asking the broker for offsets.
 */
export class PartitionStalls {
  private readonly partitions = new Map<string, PartitionState>();

  batchStarted(topic: string, partition: number, now: number): void {
    const state = this.stateOf(topic, partition);
    state.pendingSince ??= now;
  }

  /** Returns how many times in a row the partition's batch has failed now. */
  batchFailed(topic: string, partition: number, error: unknown): number {
    const state = this.stateOf(topic, partition);
    state.failures += 1;
    state.lastError = describe(error);
    return state.failures;
  }

  batchDone(topic: string, partition: number, now: number): void {
    const state = this.stateOf(topic, partition);
    state.pendingSince = null;
    state.failures = 0;
    state.lastError = null;
    state.lastSuccessAt = now;
  }

  /** After a rebalance: partitions now owned by another member are no longer this consumer's to report. */
  assigned(assignment: Record<string, number[]>): void {
    for (const [key, state] of this.partitions) {
      if (!(assignment[state.topic] ?? []).includes(state.partition)) this.partitions.delete(key);
    }
  }

  stalled(now: number, thresholdMs: number): PartitionStall[] {
    const stalls: PartitionStall[] = [];
    for (const state of this.partitions.values()) {
      if (state.pendingSince === null || now - state.pendingSince < thresholdMs) continue;
      stalls.push({
        topic: state.topic,
        partition: state.partition,
        stalledForMs: now - state.pendingSince,
        failures: state.failures,
        lastError: state.lastError,
        lastSuccessAt: state.lastSuccessAt === null ? null : new Date(state.lastSuccessAt),
      });
    }
    return stalls.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  private stateOf(topic: string, partition: number): PartitionState {
    const key = keyOf(topic, partition);
    let state = this.partitions.get(key);
    if (state === undefined) {
      state = { topic, partition, pendingSince: null, failures: 0, lastError: null, lastSuccessAt: null };
      this.partitions.set(key, state);
    }
    return state;
  }
}

/** The error as one bounded line: it ends up in /health answers and logs. */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
