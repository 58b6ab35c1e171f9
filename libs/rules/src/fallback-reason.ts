import { ChannelSkip } from './choose-channel';
import { shortDuration } from './short-duration';

/**
 * Why a message did not go out on the step's first channel, as the dispatch log records it:
 * `fallback:<why>:<channel>[:<detail>]`, one part per channel passed over, comma-separated, in the
 * step's order of preference. `<why>` uses the words of suppression reasons (`no_address`,
 * `no_subscription`, `undeliverable`, `unsubscribed`) or `capped`, whose detail is how long until
 * the cap lets a message through again (`fallback:capped:email:16h`).
 */
export function fallbackReason(skipped: readonly ChannelSkip[]): string | null {
  if (skipped.length === 0) return null;
  return skipped.map(fallbackPart).join(',');
}

function fallbackPart(skip: ChannelSkip): string {
  if (!skip.reason.startsWith('capped:')) return `fallback:${skip.reason}:${skip.channel}`;
  // The cap's own name (`capped:email:16h`) is its window; what ops need here is when it frees.
  const detail = skip.capFreesInMs === undefined ? '' : `:${shortDuration(skip.capFreesInMs)}`;
  return `fallback:capped:${skip.channel}${detail}`;
}
