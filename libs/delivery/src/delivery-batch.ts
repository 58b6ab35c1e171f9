import { Logger } from '@nestjs/common';
import { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { mapWithConcurrency } from './concurrency';
import { DeliveryChannelName, DeliveryLedger, DeliveryOutcome } from './delivery-ledger';
import { DeliveryMetrics } from './delivery-metrics';
import { decideDelivery } from './delivery-plan';
import { ParsedDispatch } from './dispatch-message';

/** The envelope fields the batch reads of every message (see DispatchEnvelope in @beckon/contracts). */
export interface DispatchRef {
  dispatchId: string;
  /** The storefront event or request the dispatch descends from, for log lines. */
  correlationId?: string;
  /** When the engine queued it, for the queued-to-sent latency. */
  createdAt?: string;
}

/** What a delivery service knows of its channel: how to read a message and how to send one. */
export interface DeliveryChannel<M extends DispatchRef = DispatchRef> {
  readonly name: DeliveryChannelName;
  /** Sends in flight at once. */
  readonly concurrency: number;
  parse(value: Buffer | null): ParsedDispatch<M>;
  /** Sends one dispatch, retrying transient failures itself; reports failures as outcomes. */
  deliver(message: M): Promise<DeliveryOutcome>;
  /** Once per batch, after the outcomes are recorded: channel bookkeeping such as dropping dead subscriptions. */
  afterRecord?(outcomes: readonly DeliveryOutcome[]): Promise<void>;
}

export interface BatchReport {
  sent: number;
  failed: number;
  skipped: number;
  suppressed: number;
  reconciled: number;
  deadLettered: number;
}

export const REASON_HEADER = 'x-beckon-reason';
export const DETAIL_HEADER = 'x-beckon-detail';

/** The original message, unchanged, with the reason in headers. */
export function deadLetter(original: KafkaMessage, reason: string, detail?: string): Message {
  const headers: IHeaders = { ...original.headers, [REASON_HEADER]: reason };
  if (detail) headers[DETAIL_HEADER] = detail;
  return { key: original.key, value: original.value, headers };
}

interface Pending<M> {
  message: M;
  raw: KafkaMessage;
}

const RECORD_RETRIES = 3;
/** Dispatches claimed at once per send slot: large enough to amortise claim and record, small enough to bound the doubt after a crash. */
export const WAVE_PER_SLOT = 4;

/** `items` in consecutive slices of at most `size`. */
export function waves<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += step) result.push(items.slice(i, i + step));
  return result;
}

/**
 * One partition batch through the ledger: read (1 query), close opt-outs and reconcile orphans
 * (1 each, only when there are any), then per wave of `concurrency × WAVE_PER_SLOT` dispatches claim
 * (1), send with bounded concurrency and record (1, overlapping the next wave's sends); finally dead-letter failures (1 produce) and mark
 * them finished (1). Kafka offsets move only after this resolves.
 */
export class DeliveryBatch<M extends DispatchRef> {
  private readonly logger: Logger;

  constructor(
    private readonly channel: DeliveryChannel<M>,
    private readonly ledger: DeliveryLedger,
    private readonly producer: Producer,
    private readonly deadLetterTopic: string,
    private readonly metrics: DeliveryMetrics,
  ) {
    this.logger = new Logger(`DeliveryBatch:${channel.name}`);
  }

  async handle(messages: readonly KafkaMessage[]): Promise<BatchReport> {
    const report: BatchReport = { sent: 0, failed: 0, skipped: 0, suppressed: 0, reconciled: 0, deadLettered: 0 };
    const deadLetters: Message[] = [];
    const toFinish: string[] = [];
    const malformedIds: string[] = [];
    const pending = new Map<string, Pending<M>>();

    for (const raw of messages) {
      const parsed = this.channel.parse(raw.value);
      if (!parsed.ok) {
        this.logger.warn(`malformed dispatch message at offset ${raw.offset}: ${parsed.detail}`);
        deadLetters.push(deadLetter(raw, parsed.reason, parsed.detail));
        if (parsed.dispatchId) malformedIds.push(parsed.dispatchId);
      } else if (pending.has(parsed.message.dispatchId)) {
        report.skipped++; // the same dispatch twice in one batch
      } else {
        pending.set(parsed.message.dispatchId, { message: parsed.message, raw });
      }
    }

    const entries = await this.ledger.inspect([...pending.keys()]);
    const toSuppress: string[] = [];
    const toReconcile: string[] = [];
    const toClaim: string[] = [];
    for (const [id, { raw }] of pending) {
      const action = decideDelivery(entries.get(id));
      switch (action.kind) {
        case 'unknown':
          this.logger.warn(`dispatch ${id} has no dispatches row; dead-lettered`);
          deadLetters.push(deadLetter(raw, 'unknown_dispatch'));
          break;
        case 'dead-letter':
          deadLetters.push(deadLetter(raw, action.reason));
          toFinish.push(id);
          break;
        case 'reconcile':
          toReconcile.push(id);
          break;
        case 'suppress':
          toSuppress.push(id);
          break;
        case 'send':
          toClaim.push(id);
          break;
        case 'skip':
          report.skipped++;
          break;
      }
    }

    await this.ledger.close(malformedIds, 'failed', 'malformed');
    await this.ledger.close(toSuppress, 'suppressed', 'unsubscribed');
    report.suppressed = toSuppress.length;
    const tally = this.metrics.tally();
    this.metrics.add(tally, 'suppressed', 'unsubscribed', toSuppress.length);
    for (const id of await this.ledger.abandon(toReconcile)) {
      this.logger.warn(`dispatch ${id} was being sent by a process that stopped; outcome unknown, not resent`);
      deadLetters.push(deadLetter(pending.get(id)!.raw, 'unknown_outcome'));
      toFinish.push(id);
      report.reconciled++;
    }

    const outcomes = await this.sendWaves(toClaim, pending, report);
    for (const outcome of outcomes) {
      this.metrics.addOutcome(tally, outcome);
      const message = pending.get(outcome.dispatchId)!.message;
      this.logOutcome(outcome, message);
      if (outcome.status === 'sent') {
        this.metrics.sentAfterQueued(message.createdAt);
        report.sent++;
        continue;
      }
      report.failed++;
      deadLetters.push(
        deadLetter(pending.get(outcome.dispatchId)!.raw, outcome.reason ?? 'failed', outcome.error ?? undefined),
      );
      toFinish.push(outcome.dispatchId);
    }

    if (deadLetters.length > 0) {
      await this.producer.send({ topic: this.deadLetterTopic, messages: deadLetters });
      report.deadLettered = deadLetters.length;
    }
    await this.ledger.finish(toFinish);
    // Counted once the batch is through: a batch that fails is redone and would count twice.
    for (const letter of deadLetters) this.metrics.add(tally, 'dead_lettered', String(letter.headers?.[REASON_HEADER]));
    this.metrics.add(tally, 'skipped', null, report.skipped);
    this.metrics.count(tally);
    return report;
  }

  private logOutcome(outcome: DeliveryOutcome, message: M): void {
    const line = {
      dispatchId: outcome.dispatchId,
      correlationId: message.correlationId,
      attempts: outcome.attempts,
    };
    if (outcome.status === 'sent') this.logger.log({ msg: 'dispatch sent', ...line });
    else this.logger.warn({ msg: 'dispatch failed', ...line, reason: outcome.reason, error: outcome.error });
  }

  /**
   * Claims and sends wave after wave; a wave's outcomes are recorded while the next wave is claimed
   * and sent, so the sends do not pause for the database. A process that dies leaves at most two
   * waves' attempts without an outcome (reconciled as unknown_outcome on restart); later waves were
   * never claimed and are sent by the next process.
   */
  private async sendWaves(ids: string[], pending: Map<string, Pending<M>>, report: BatchReport) {
    const outcomes: DeliveryOutcome[] = [];
    let recording: Promise<void> | undefined;
    try {
      for (const wave of waves(ids, this.channel.concurrency * WAVE_PER_SLOT)) {
        const claimed = await this.ledger.claim(wave);
        report.skipped += wave.length - claimed.size; // another instance got there first
        const sent = await mapWithConcurrency([...claimed], this.channel.concurrency, (id) =>
          this.deliverSafely(pending.get(id)!.message),
        );
        await recording; // one wave recording at a time, in order
        recording = this.recordWave(sent);
        recording.catch(() => undefined); // awaited with the next wave or below
        outcomes.push(...sent);
      }
      await recording;
      return outcomes;
    } catch (err) {
      await recording?.catch(() => undefined); // settle before the batch is redone, so the redo sees it
      throw err;
    }
  }

  private async recordWave(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.recordDurably(outcomes);
    await this.channel.afterRecord?.(outcomes);
  }

  /** A throwing channel (a bug, not a provider answer) fails its dispatch rather than the whole batch forever. */
  private async deliverSafely(message: M): Promise<DeliveryOutcome> {
    const started = performance.now();
    try {
      const outcome = await this.channel.deliver(message);
      this.metrics.sendTook(outcome.status, (performance.now() - started) / 1000);
      return outcome;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.error(`delivering ${message.dispatchId} threw: ${error}`);
      return {
        dispatchId: message.dispatchId,
        status: 'failed',
        reason: 'delivery_error',
        providerResponse: null,
        attempts: 0,
        error,
      };
    }
  }

  /** The sends already happened: a database blip must not turn their outcomes into `unknown_outcome`. */
  private async recordDurably(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    for (let tryNumber = 1; ; tryNumber++) {
      try {
        return await this.ledger.record(outcomes);
      } catch (err) {
        if (tryNumber >= RECORD_RETRIES) throw err;
        this.logger.warn(`recording ${outcomes.length} outcome(s) failed (${String(err)}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (tryNumber - 1)));
      }
    }
  }
}
