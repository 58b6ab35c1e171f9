import { Channel } from './rule.schema';

export interface ChannelReach {
  /** The customer can be reached at all on this channel (an address, a live subscription). */
  reachable: boolean;
  /** The customer has not opted out of marketing on this channel. */
  consented: boolean;
}

export type ChannelChoice = { channel: Channel } | { channel: null; reason: string };

const UNREACHABLE_REASON: Record<Channel, string> = {
  email: 'no_address',
  webpush: 'no_subscription',
};

/**
 * The first channel in the step's order of preference that the customer can receive.
 * When none can, the reason names why the preferred ones failed, so ops can answer "why not".
 */
export function chooseChannel(preference: readonly Channel[], reach: Record<Channel, ChannelReach>): ChannelChoice {
  const reasons: string[] = [];
  for (const channel of preference) {
    const { reachable, consented } = reach[channel];
    if (!reachable) reasons.push(UNREACHABLE_REASON[channel]);
    else if (!consented) reasons.push('unsubscribed');
    else return { channel };
  }
  const distinct = [...new Set(reasons)];
  if (distinct.length === 1) return { channel: null, reason: distinct[0] };
  return {
    channel: null,
    reason: preference.map((channel, i) => `${channel}:${reasons[i]}`).join(','),
  };
}
