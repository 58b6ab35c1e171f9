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
  /** With `capped`: how long until the cap lets a message through again (for the fallback reason). */
  capFreesInMs?: number | null;
}

export type ChannelChoice = { channel: Channel } | { channel: null; reason: string };

/** A channel of the step's preference that could not carry the message, and why. */
export interface ChannelSkip {
  channel: Channel;
  /** In the words a suppression uses: `no_address`, `no_subscription`, `undeliverable`, `unsubscribed`, `capped:email:16h`. */
  reason: string;
  /** For a cap, how long until it lets a message through again, when the caller said. */
  capFreesInMs?: number;
}

/** A choice with the preferred channels it passed over, so the log can say why a message went elsewhere. */
export type ChannelPick =
  { channel: Channel; skipped: ChannelSkip[] } | { channel: null; reason: string; skipped: ChannelSkip[] };

const UNREACHABLE_REASON: Record<Channel, string> = {
  email: 'no_address',
  webpush: 'no_subscription',
};

function skipOf(
  channel: Channel,
  { reachable, unreachableReason, consented, capped, capFreesInMs }: ChannelReach,
): ChannelSkip | null {
  if (!reachable) return { channel, reason: unreachableReason ?? UNREACHABLE_REASON[channel] };
  if (!consented) return { channel, reason: 'unsubscribed' };
  if (!capped) return null;
  return capFreesInMs == null ? { channel, reason: capped } : { channel, reason: capped, capFreesInMs };
}

/**
 * The first channel in the step's order of preference that the customer can receive and that is
 * within caps, with the ones before it that could not be used. When none can, the reason names why
 * the preferred ones failed, so ops can answer "why not"; a cap comes first, since it alone held
 * back a message that could otherwise have gone.
 */
export function pickChannel(preference: readonly Channel[], reach: Record<Channel, ChannelReach>): ChannelPick {
  const skipped: ChannelSkip[] = [];
  for (const channel of preference) {
    const skip = skipOf(channel, reach[channel]);
    if (skip === null) return { channel, skipped };
    skipped.push(skip);
  }
  return { channel: null, reason: suppressionReason(skipped), skipped };
}

function suppressionReason(skipped: readonly ChannelSkip[]): string {
  const cap = skipped.find((skip) => skip.reason.startsWith('capped:'));
  if (cap !== undefined) return cap.reason;
  const distinct = [...new Set(skipped.map((skip) => skip.reason))];
  if (distinct.length === 1) return distinct[0];
  return skipped.map((skip) => `${skip.channel}:${skip.reason}`).join(',');
}

/**
 * The customer's reach with the caps that hold each channel back right now: `capReason` names the
 * cap (`capped:email:16h`) or null, `capFreesInMs` tells how long until it frees, when known.
 */
export function withCaps(
  reach: Record<Channel, ChannelReach>,
  capReason: (channel: Channel) => string | null,
  capFreesInMs: (channel: Channel) => number | null = () => null,
): Record<Channel, ChannelReach> {
  const capped = (channel: Channel): ChannelReach => ({
    ...reach[channel],
    capped: capReason(channel),
    capFreesInMs: capFreesInMs(channel),
  });
  return { email: capped('email'), webpush: capped('webpush') };
}

/** pickChannel without the channels passed over: the channel, or why the step is suppressed. */
export function chooseChannel(preference: readonly Channel[], reach: Record<Channel, ChannelReach>): ChannelChoice {
  const pick = pickChannel(preference, reach);
  return pick.channel === null ? { channel: null, reason: pick.reason } : { channel: pick.channel };
}
