import { CapEvent, capHold, CapSettings, capTimezone, Channel, isCapExempt, quietHoursEnd, Rule } from '@beckon/rules';
import { DeliveryLimits } from '../dispatch/compose-dispatch';

/** The parts of a rule that decide how caps and quiet hours apply to it. */
export type PacedRule = Pick<Rule, 'caps' | 'quietHours'>;

/**
 * Caps and quiet hours for one batch of due steps, decided at one instant over the history read
 * under the customers' ledger locks. Each send the batch decides is recorded here before the next
 * decision, so two steps of one batch cannot both take a customer's last free slot.
 */
export class CapGate {
  private readonly history = new Map<string, CapEvent[]>();

  constructor(
    private readonly settings: CapSettings,
    history: ReadonlyMap<string, readonly CapEvent[]>,
    readonly now: Date,
  ) {
    for (const [customerId, events] of history) this.history.set(customerId, [...events]);
  }

  /** The customer's own zone when they told us a real one, else the configured default. */
  timezoneOf(customerTimezone: string | null): string {
    return capTimezone(customerTimezone, this.settings.defaultTimezone);
  }

  limitsFor(rule: PacedRule, customerId: string, customerTimezone: string | null): DeliveryLimits {
    const timezone = this.timezoneOf(customerTimezone);
    const quietHours = rule.quietHours === undefined ? this.settings.quietHours : rule.quietHours;
    const hold = (channel: Channel) =>
      isCapExempt(rule)
        ? null
        : capHold(this.history.get(customerId) ?? [], this.settings.rules, channel, this.now, timezone);
    return {
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
