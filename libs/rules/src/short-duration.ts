const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A wait as ops read it in a log line: `45m`, `16h`, `3d`, one unit only.
 *
 * Rounded up, never down: the figure is a promise that the wait is over by then, so a cap that
 * frees in 15 h 59 m reads `16h` (the window the marketer set) rather than a too-early `15h`, and a
 * wait of a few seconds reads `1m`, never a false `0m`. Minutes below an hour, hours below two days
 * (`30h` says more than `2d`), days beyond.
 */
export function shortDuration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE_MS));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.ceil(ms / HOUR_MS);
  if (hours < 48) return `${hours}h`;
  return `${Math.ceil(ms / DAY_MS)}d`;
}
