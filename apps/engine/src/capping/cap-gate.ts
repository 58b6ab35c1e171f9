import {
  CapEvent,
  capHold,
  CapSettings,
  capTimezone,
  CareExemption,
  careReason,
  Channel,
  CustomerCare,
  isCapExempt,
  isCareExempt,
  quietHoursEnd,
  Rule,
} from '@beckon/rules';
import { DeliveryLimits } from '../dispatch/compose-dispatch';

/** The parts of a rule that decide how caps and quiet hours apply to it. */
export type PacedRule = Pick<Rule, 'caps' | 'quietHours'>;

/**
 * Caps, quiet hours and the care window for one batch of due steps, decided at one instant over the
 * history and care read under the customers' ledger locks. Each send the batch decides is recorded here before the next
 * decision, so two steps of one batch cannot both take a customer's last free slot.
 */
export class CapGate {
  private readonly history = new Map<string, CapEvent[]>();

  constructor(
    private readonly settings: CapSettings,
    history: ReadonlyMap<string, readonly CapEvent[]>,
    readonly now: Date,
    /** The customers in care at `now` (customers.care_until); absent ones are not. */
    private readonly care: ReadonlyMap<string, CustomerCare> = new Map(),
  ) {
    for (const [customerId, events] of history) this.history.set(customerId, [...events]);
  }

  /** The customer's own zone when they told us a real one, else the configured default. */
  timezoneOf(customerTimezone: string | null): string {
    return capTimezone(customerTimezone, this.settings.defaultTimezone);
  }

  /**
   * `trigger` says whether the rule's trigger is exempt from the care window (post_purchase is); the
   * firing loop passes its definition, so capping never needs to know a trigger.
   */
  limitsFor(
    rule: PacedRule,
    customerId: string,
    customerTimezone: string | null,
    trigger?: CareExemption,
  ): DeliveryLimits {
    const timezone = this.timezoneOf(customerTimezone);
    const quietHours = rule.quietHours === undefined ? this.settings.quietHours : rule.quietHours;
    const hold = (channel: Channel) =>
      isCapExempt(rule)
        ? null
        : capHold(this.history.get(customerId) ?? [], this.settings.rules, channel, this.now, timezone);
    return {
      careReason: isCareExempt(rule, trigger)
        ? null
        : careReason(this.care.get(customerId), this.settings.care, this.now),
      quietUntil: quietHoursEnd(this.now, quietHours, timezone),
      capReason: (channel) => hold(channel)?.reason ?? null,
      capFreesInMs: (channel) => {
        const freesAt = hold(channel)?.freesAt;
        return freesAt === undefined ? null : freesAt.getTime() - this.now.getTime();
      },
    };
  }

  /** Notes a message queued for the customer; answers when it counts towards caps, or null for an exempt rule. */
  record(rule: PacedRule, customerId: string, channel: Channel): Date | null {
    if (isCapExempt(rule)) return null;
    const events = this.history.get(customerId) ?? [];
    events.push({ channel, at: this.now });
    this.history.set(customerId, events);
    return this.now;
  }
}
