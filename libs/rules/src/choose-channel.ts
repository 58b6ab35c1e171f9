import { Channel } from './rule.schema';

export interface ChannelReach {
  /** The customer can be reached at all on this channel (an address, a live subscription). */
  reachable: boolean;
  /** Why not, when not reachable; default `no_address` / `no_subscription`. */
  unreachableReason?: string;
  /** The customer has not opted out of marketing on this channel. */
  consented: boolean;
  /** The frequency cap a message on this channel would break right now (`capped:email:16h`); absent or null: within caps. */
  capped?: string | null;
}

export type ChannelChoice = { channel: Channel } | { channel: null; reason: string };

const UNREACHABLE_REASON: Record<Channel, string> = {
  email: 'no_address',
  webpush: 'no_subscription',
};

/**
 * The first channel in the step's order of preference that the customer can receive and that is
 * within caps. When none can, the reason names why the preferred ones failed, so ops can answer
 * "why not"; a cap comes first, since it alone held back a message that could otherwise have gone.
 */
export function chooseChannel(preference: readonly Channel[], reach: Record<Channel, ChannelReach>): ChannelChoice {
  const reasons: string[] = [];
  for (const channel of preference) {
    const { reachable, unreachableReason, consented, capped } = reach[channel];
    if (!reachable) reasons.push(unreachableReason ?? UNREACHABLE_REASON[channel]);
    else if (!consented) reasons.push('unsubscribed');
    else if (capped) reasons.push(capped);
    else return { channel };
  }
  const cap = reasons.find((reason) => reason.startsWith('capped:'));
  if (cap !== undefined) return { channel: null, reason: cap };
  const distinct = [...new Set(reasons)];
  if (distinct.length === 1) return { channel: null, reason: distinct[0] };
  return {
    channel: null,
    reason: preference.map((channel, i) => `${channel}:${reasons[i]}`).join(','),
  };
}
