import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { loadCapHistory } from '@beckon/persistence';
import {
  capHistoryHorizon,
  capHold,
  CapSettings,
  capTimezone,
  Channel,
  ChannelPick,
  ChannelReach,
  fallbackReason,
  holdsBack,
  isCapExempt,
  pickChannel,
  Rule,
  withCaps,
} from '@beckon/rules';
import { loadRecipients, messageData, reachOf, Recipient } from '@beckon/template-context';
import { previewContext } from '@beckon/triggers';
import { renderEmail, RenderedEmail, RenderedWebPush, renderWebPush } from '@beckon/templates';
import { CapsService } from '../caps/caps.service';
import { parseWith } from '../errors/parse-with';
import { ValidationFailedException } from '../errors/validation-failed.exception';
import { previewRequestSchema } from './rule-preview.schema';
import { toRuleInput } from './rule.view';
import { RulesService } from './rules.service';

export interface RulePreview {
  ruleId: string;
  customerId: string;
  step: number;
  /** The channel the step would go out on now, or null with the reason it would be suppressed. */
  channel: Channel | null;
  reason: string | null;
  /** Why it would go out on a later channel than the step's first (`fallback:capped:email:16h`), else null. */
  fallbackReason: string | null;
  email: RenderedEmail | { error: string } | null;
  webpush: RenderedWebPush | { error: string } | null;
  /** The template variables the step saw. */
  data: Record<string, unknown>;
}

function rendered<T>(render: () => T): T | { error: string } {
  try {
    return render();
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Renders a rule's step for one customer with the data the engine would give it right now, without
 * sending anything or writing to the dispatch log.
 */
@Injectable()
export class RulePreviewService {
  constructor(
    private readonly db: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly rules: RulesService,
    private readonly caps: CapsService,
  ) {}

  async preview(ruleId: string, body: unknown): Promise<RulePreview> {
    const request = parseWith(previewRequestSchema, body);
    const entity = await this.rules.get(ruleId);
    const rule: Rule = {
      ...toRuleInput(entity),
      id: entity.id,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    };
    const step = rule.steps[request.step - 1];
    if (step === undefined) {
      throw new ValidationFailedException([{ field: 'step', message: `the rule has ${rule.steps.length} step(s)` }]);
    }
    const recipient = (await loadRecipients(this.db.manager, [request.customerId])).get(request.customerId);
    if (recipient === undefined) throw new NotFoundException(`customer ${request.customerId} not found`);

    const caps = await this.caps.get();
    const now = new Date();
    const context = await previewContext(this.db.manager, rule, recipient, {
      productId: request.productId,
      defaultTimezone: caps.defaultTimezone,
      now,
      publicBaseUrl: this.config.PUBLIC_BASE_URL,
    });
    // A working link here would unsubscribe the customer when a marketer clicks it in the preview.
    const data = messageData(context, recipient, `${this.config.PUBLIC_BASE_URL}/u/preview`);
    // A customer in the rule's holdout group never gets its sequence, whatever their channels.
    const choice: ChannelPick = holdsBack(rule, request.step - 1, recipient.id)
      ? { channel: null, reason: 'holdout', skipped: [] }
      : pickChannel(step.channels, await this.reachUnderCaps(rule, recipient, caps, now));
    return {
      ruleId: rule.id,
      customerId: recipient.id,
      step: request.step,
      channel: choice.channel,
      reason: choice.channel === null ? choice.reason : null,
      fallbackReason: choice.channel === null ? null : fallbackReason(choice.skipped),
      email: step.email === undefined ? null : rendered(() => renderEmail(step.email!, data)),
      webpush: step.webpush === undefined ? null : rendered(() => renderWebPush(step.webpush!, data)),
      data,
    };
  }

  /**
   * The channels as the engine would judge them now, caps included, over the customer's cap history
   * as it stands. Quiet hours are left out: they delay a step, they do not change its channel.
   */
  private async reachUnderCaps(
    rule: Rule,
    recipient: Recipient,
    caps: CapSettings,
    now: Date,
  ): Promise<Record<Channel, ChannelReach>> {
    const reach = reachOf(recipient);
    if (isCapExempt(rule) || caps.rules.length === 0) return reach;
    const since = capHistoryHorizon(caps.rules, now);
    const history = (await loadCapHistory(this.db.manager, [recipient.id], since)).get(recipient.id) ?? [];
    const timezone = capTimezone(recipient.timezone, caps.defaultTimezone);
    const hold = (channel: Channel) => capHold(history, caps.rules, channel, now, timezone);
    return withCaps(
      reach,
      (channel) => hold(channel)?.reason ?? null,
      (channel) => {
        const freesAt = hold(channel)?.freesAt;
        return freesAt === undefined ? null : freesAt.getTime() - now.getTime();
      },
    );
  }
}
