import { Injectable, Logger } from '@nestjs/common';
import { reasonClass } from '@beckon/observability';
import { Rule } from '@beckon/rules';
import { DueDispatch } from '@beckon/triggers';
import { DispatchOutcome } from '../dispatch/dispatch.repository';
import { EngineMetrics } from './engine-metrics';

/** A committed batch of due-step decisions, as the due-step worker made them. */
export interface DecidedBatch {
  due: readonly DueDispatch[];
  outcomes: readonly DispatchOutcome[];
  rules: ReadonlyMap<string, Rule>;
}

export const NO_DECISIONS: DecidedBatch = { due: [], outcomes: [], rules: new Map() };

/**
 * Counts decisions in beckon_decisions_total and logs one line per dispatch with its correlation id,
 * after the batch committed: a rolled-back batch is decided again and must not be counted twice.
 */
@Injectable()
export class DecisionLog {
  private readonly logger = new Logger('DueStepWorker');

  constructor(private readonly metrics: EngineMetrics) {}

  record({ due, outcomes, rules }: DecidedBatch): void {
    if (outcomes.length === 0) return;
    const byId = new Map(due.map((d) => [d.id, d]));
    const tally = this.metrics.decisionTally();
    for (const outcome of outcomes) {
      const dispatch = byId.get(outcome.id);
      const trigger = (dispatch && rules.get(dispatch.ruleId)?.trigger) ?? 'unknown';
      tally.add({ trigger, status: outcome.status, reason: reasonClass(outcome.reason) });
      const line = {
        msg: `dispatch ${outcome.status}`,
        dispatchId: outcome.id,
        // The id the message carries when the row has none (rows written before correlation ids).
        correlationId: dispatch?.correlationId ?? outcome.id,
        ruleId: dispatch?.ruleId,
        trigger,
        step: dispatch === undefined ? undefined : dispatch.step + 1,
        channel: outcome.channel ?? undefined,
        reason: outcome.reason ?? undefined,
        // Why it went out on this channel and not the step's first (`fallback:capped:email:16h`).
        fallbackReason: outcome.fallbackReason ?? undefined,
      };
      // Queued messages are the ones ops follow to a send; the others are in the dispatch log anyway.
      if (outcome.status === 'queued') this.logger.log(line);
      else this.logger.debug(line);
    }
    this.metrics.countDecisions(tally);
  }
}
