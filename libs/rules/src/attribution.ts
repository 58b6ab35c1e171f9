import { parseIsoDuration } from './iso-duration';
import type { Channel } from './channel';

export type AttributionWindows = Record<Channel, string>;

/** Klaviyo's defaults: an order within 5 days of an email, or 24 hours of a push, is the message's doing. */
export const DEFAULT_ATTRIBUTION_WINDOWS: Readonly<AttributionWindows> = { email: 'P5D', webpush: 'PT24H' };

/** Longer windows credit messages with orders they hardly caused; it also bounds the attribution lookup. */
export const MAX_ATTRIBUTION_DAYS = 30;

/** A rule's windows with the defaults for the channels it does not set. */
export function attributionWindows(overrides: Partial<AttributionWindows> | undefined): AttributionWindows {
  return { ...DEFAULT_ATTRIBUTION_WINDOWS, ...overrides };
}

/** The windows in milliseconds (the form the SQL that attributes orders takes them in). */
export function attributionWindowsMs(overrides: Partial<AttributionWindows> | undefined): Record<Channel, number> {
  const windows = attributionWindows(overrides);
  const ms = (duration: string): number => {
    const value = parseIsoDuration(duration);
    if (value === null) throw new Error(`not an ISO 8601 duration: ${duration}`);
    return value;
  };
  return { email: ms(windows.email), webpush: ms(windows.webpush) };
}

/** The rule's longest window: how long after a message (or a holdout) its group's orders count. */
export function longestAttributionWindowMs(overrides: Partial<AttributionWindows> | undefined): number {
  return Math.max(...Object.values(attributionWindowsMs(overrides)));
}
