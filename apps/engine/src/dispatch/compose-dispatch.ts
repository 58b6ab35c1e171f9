import { DispatchMessage } from '@beckon/contracts';
import { Channel, chooseChannel, fallbackReason, pickChannel, Rule, RuleStep, withCaps } from '@beckon/rules';
import { messageData, reachOf, Recipient } from '@beckon/template-context';
import { renderEmail, renderWebPush } from '@beckon/templates';
import { messageTracking, trackEmailHtml, TrackingLinks, trackPush } from './track-message';

export interface ComposeInput {
  dispatchId: string;
  rule: Rule;
  stepIndex: number;
  occasion: string;
  recipient: Recipient;
  /** Trigger-specific template data: cart, product, order... */
  context: Record<string, unknown>;
  correlationId: string;
  unsubscribeUrl: (customerId: string, channel: Channel) => string;
  now: Date;
  limits: DeliveryLimits;
  /** Where tracked links point (CONTRACT §6); absent: links are left as rendered and no pixel is added. */
  trackingLinks?: TrackingLinks;
}

/** Frequency caps, quiet hours and the care window as they stand for this customer and rule right now (see capping/). */
export interface DeliveryLimits {
  /** `care:<signal>` while the customer is in care and the rule is not exempt from it; absent or null otherwise. */
  careReason?: string | null;
  /** When the quiet hours the customer is in end, or null outside them. */
  quietUntil: Date | null;
  /** The cap one more message on the channel would break (`capped:email:16h`), or null. */
  capReason(channel: Channel): string | null;
  /** With a cap reason: how long until that channel is within caps again; absent when not known. */
  capFreesInMs?(channel: Channel): number | null;
}

export const NO_LIMITS: DeliveryLimits = { quietUntil: null, capReason: () => null };

export type Composition =
  | {
      kind: 'send';
      channel: Channel;
      message: DispatchMessage;
      /** Why the step's preferred channels were passed over (`fallback:capped:email:16h`); null on the first. */
      fallbackReason: string | null;
    }
  | {
      kind: 'suppress';
      reason: string;
      /** The sequence ends here: no later step is scheduled (the care window ended it). */
      endsSequence?: true;
    }
  | { kind: 'defer'; until: Date; reason: 'quiet_hours' };

const PUSH_TTL_SECONDS = 24 * 3600;

/**
 * Chooses the channel for one due step and renders its message. Pure, so channel preference, caps
 * and templating are tested without Kafka or a database.
 *
 * Order matters: a customer in care is not marketed to at all, and the sequence ends there (as the
 * ones running when the signal came did); a customer nobody can reach is suppressed at once; one who can be reached but is
 * in quiet hours is held until they end, and caps are judged only then, at the moment the message
 * can really go (a cap that holds at 23:00 may have lapsed by 09:00).
 */
export function composeDispatch(input: ComposeInput): Composition {
  const step: RuleStep = input.rule.steps[input.stepIndex];
  const { recipient, limits } = input;
  if (limits.careReason) return { kind: 'suppress', reason: limits.careReason, endsSequence: true };
  const reach = reachOf(recipient);
  const reachable = chooseChannel(step.channels, reach);
  if (reachable.channel === null) return { kind: 'suppress', reason: reachable.reason };
  if (limits.quietUntil !== null) return { kind: 'defer', until: limits.quietUntil, reason: 'quiet_hours' };
  const choice = pickChannel(
    step.channels,
    withCaps(
      reach,
      (channel) => limits.capReason(channel),
      (channel) => limits.capFreesInMs?.(channel) ?? null,
    ),
  );
  if (choice.channel === null) return { kind: 'suppress', reason: choice.reason };
  const fallback = fallbackReason(choice.skipped);

  const base = {
    dispatchId: input.dispatchId,
    ruleId: input.rule.id,
    customerId: recipient.id,
    step: input.stepIndex + 1,
    correlationId: input.correlationId,
    createdAt: input.now.toISOString(),
  };
  const unsubscribeUrl = input.unsubscribeUrl(recipient.id, choice.channel);
  const data = messageData(input.context, recipient, unsubscribeUrl);
  const tracking = input.trackingLinks && messageTracking(input.trackingLinks, input.dispatchId, input.rule);

  try {
    if (choice.channel === 'email') {
      const rendered = renderEmail(step.email!, data);
      if (tracking && rendered.html !== undefined) rendered.html = trackEmailHtml(rendered.html, tracking);
      return {
        kind: 'send',
        channel: 'email',
        fallbackReason: fallback,
        message: {
          ...base,
          channel: 'email',
          to: recipient.email!,
          ...rendered,
          unsubscribeUrl,
        },
      };
    }
    const notification = renderWebPush(step.webpush!, data);
    return {
      kind: 'send',
      channel: 'webpush',
      fallbackReason: fallback,
      message: {
        ...base,
        channel: 'webpush',
        subscriptions: recipient.subscriptions,
        notification: tracking ? trackPush(notification, tracking) : notification,
        ttlSeconds: PUSH_TTL_SECONDS,
        urgency: 'normal',
        topic: `${input.rule.id}:${input.occasion}`,
      },
    };
  } catch (error) {
    return {
      kind: 'suppress',
      reason: `template_error:${(error as Error).message.slice(0, 120)}`,
    };
  }
}
