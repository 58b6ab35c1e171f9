import { TopicNames } from '@beckon/contracts';
import { addIsoDuration, Channel, Rule } from '@beckon/rules';
import { Recipient } from '@beckon/template-context';
import { DueDispatch, findDefinition, OccasionOutcome, PendingStep } from '@beckon/triggers';
import { CapGate } from '../capping/cap-gate';
import { composeDispatch, Composition } from '../dispatch/compose-dispatch';
import { DispatchOutcome } from '../dispatch/dispatch.repository';
import { TrackingLinks } from '../dispatch/track-message';
import { OutboxMessage } from '../outbox/outbox.repository';

export interface StepDecisions {
  outcomes: DispatchOutcome[];
  messages: OutboxMessage[];
  next: PendingStep[];
}

export interface ComposeContext {
  rules: ReadonlyMap<string, Rule>;
  verdicts: ReadonlyMap<string, OccasionOutcome>;
  heldOut: ReadonlySet<string>;
  recipients: ReadonlyMap<string, Recipient>;
  /** Open for the batch's firing customers; counts the batch's own sends as it goes. */
  caps: CapGate;
  topics: TopicNames;
  unsubscribeUrl: (customerId: string, channel: Channel) => string;
  trackingLinks?: TrackingLinks;
  now: Date;
}

/**
 * Stages 4 and 5, choose the channel under caps and compose: turns each step's verdict into its
 * logged outcome, the message to send and the sequence's next step. No I/O: the batch's reads are
 * done, its writes follow in one go.
 */
export function composeSteps(due: readonly DueDispatch[], context: ComposeContext): StepDecisions {
  const { rules, verdicts, heldOut, recipients, caps, topics, now } = context;
  const decisions: StepDecisions = { outcomes: [], messages: [], next: [] };
  const { outcomes, messages, next } = decisions;

  for (const d of due) {
    const verdict = verdicts.get(d.id) ?? { kind: 'postpone' };
    if (verdict.kind === 'postpone') continue;
    if (verdict.kind === 'wait') {
      outcomes.push({ id: d.id, status: 'scheduled', channel: null, reason: verdict.reason, dueAt: verdict.until });
      continue;
    }
    if (verdict.kind === 'end') {
      outcomes.push({ id: d.id, status: 'suppressed', channel: null, reason: verdict.reason, dueAt: null });
      continue;
    }
    if (heldOut.has(d.id)) {
      // Nothing is sent and the sequence ends here: no later step is scheduled.
      outcomes.push({ id: d.id, status: 'holdout', channel: null, reason: 'holdout', dueAt: null });
      continue;
    }
    const rule = rules.get(d.ruleId) as Rule;
    const recipient = recipients.get(d.customerId);
    const composition: Composition =
      recipient === undefined
        ? { kind: 'suppress', reason: 'no_profile' }
        : composeDispatch({
            dispatchId: d.id,
            rule,
            stepIndex: d.step,
            occasion: d.occasion,
            recipient,
            context: verdict.context,
            correlationId: d.correlationId ?? d.id,
            unsubscribeUrl: context.unsubscribeUrl,
            trackingLinks: context.trackingLinks,
            now,
            limits: caps.limitsFor(rule, d.customerId, recipient.timezone, findDefinition(rule.trigger)),
          });
    if (composition.kind === 'send') {
      outcomes.push({
        id: d.id,
        status: 'queued',
        channel: composition.channel,
        reason: null,
        dueAt: null,
        capCountedAt: caps.record(rule, d.customerId, composition.channel),
        fallbackReason: composition.fallbackReason,
      });
      messages.push({
        topic: composition.channel === 'email' ? topics.emailDispatch : topics.webPushDispatch,
        key: d.customerId,
        payload: composition.message,
      });
    } else if (composition.kind === 'defer') {
      // Held, never dropped: claimed again when the quiet hours end, and judged against caps then.
      outcomes.push({
        id: d.id,
        status: 'deferred',
        channel: null,
        reason: composition.reason,
        dueAt: composition.until,
      });
      continue;
    } else {
      outcomes.push({ id: d.id, status: 'suppressed', channel: null, reason: composition.reason, dueAt: null });
      if (composition.endsSequence) continue;
    }
    const following = rule.steps[d.step + 1];
    if (following !== undefined) {
      next.push({
        ruleId: d.ruleId,
        customerId: d.customerId,
        occasion: d.occasion,
        step: d.step + 1,
        dueAt: addIsoDuration(now, following.after),
        correlationId: d.correlationId,
      });
    }
  }
  return decisions;
}
