import { DispatchMessage } from '@beckon/contracts';
import { Channel, chooseChannel, Rule, RuleStep } from '@beckon/rules';
import { messageData, reachOf, Recipient } from '@beckon/template-context';
import { renderEmail, renderWebPush } from '@beckon/templates';

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
}

export type Composition =
  { kind: 'send'; channel: Channel; message: DispatchMessage } | { kind: 'suppress'; reason: string };

const PUSH_TTL_SECONDS = 24 * 3600;

/**
 * Chooses the channel for one due step and renders its message. Pure, so channel preference and
 * templating are tested without Kafka or a database.
 */
export function composeDispatch(input: ComposeInput): Composition {
  const step: RuleStep = input.rule.steps[input.stepIndex];
  const { recipient } = input;
  const choice = chooseChannel(step.channels, reachOf(recipient));
  if (choice.channel === null) return { kind: 'suppress', reason: choice.reason };

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

  try {
    if (choice.channel === 'email') {
      const rendered = renderEmail(step.email!, data);
      return {
        kind: 'send',
        channel: 'email',
        message: {
          ...base,
          channel: 'email',
          to: recipient.email!,
          ...rendered,
          unsubscribeUrl,
        },
      };
    }
    return {
      kind: 'send',
      channel: 'webpush',
      message: {
        ...base,
        channel: 'webpush',
        subscriptions: recipient.subscriptions,
        notification: renderWebPush(step.webpush!, data),
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
