import { DAY_MS } from './caps/local-time';
import { instantPart, occasionKey } from './occasion-key';
import { RuleParams } from './rule.schema';

export type SleepParams = RuleParams<'sleeping_customer'>;

/** One sleep episode per last order: a new order starts a new episode with a new key. */
export const SLEEP_OCCASION = occasionKey('sleep', { lastOrderAt: instantPart });
export const SLEEP_OCCASION_PREFIX = SLEEP_OCCASION.prefix;
export const sleepOccasion = (lastOrderAt: Date): string => SLEEP_OCCASION.of({ lastOrderAt });

/** The customer falls asleep inactiveDays after the last order; the first step follows its delay later. */
export function sleepStepDueAt(lastOrderAt: Date, params: SleepParams, firstDelayMs: number): Date {
  return new Date(lastOrderAt.getTime() + params.inactiveDays * DAY_MS + firstDelayMs);
}

/** The latest last-order time whose first step is due by `now`: the scanner's upper bound. */
export function asleepIfLastOrderBefore(now: Date, params: SleepParams, firstDelayMs: number): Date {
  return new Date(now.getTime() - params.inactiveDays * DAY_MS - firstDelayMs);
}

export interface OrderHistory {
  lastOrderAt: Date | null;
  orderCount: number;
}

export type SleepVerdict = { remind: true } | { remind: false; reason: 'woke_up' | 'too_many_orders' };

/** Whether the episode a step belongs to still holds: no order since, and still within maxOrders. */
export function sleepVerdict(history: OrderHistory, episodeOccasion: string, params: SleepParams): SleepVerdict {
  if (history.lastOrderAt === null || sleepOccasion(history.lastOrderAt) !== episodeOccasion) {
    return { remind: false, reason: 'woke_up' };
  }
  if (params.maxOrders !== undefined && history.orderCount > params.maxOrders) {
    return { remind: false, reason: 'too_many_orders' };
  }
  return { remind: true };
}
