import { clickUrl, createClickToken, createOpenToken, isTrackableUrl, openPixelUrl } from '@beckon/consent';
import { RuleEngagement, Tracking, trackingOf } from '@beckon/rules';
import { addOpenPixel, rewriteLinks } from '@beckon/templates';

/** Where tracked links point and what signs them: PUBLIC_BASE_URL and the message links' secret. */
export interface TrackingLinks {
  publicBaseUrl: string;
  secret: string;
}

/** What one message's links are rewritten for. */
export interface MessageTracking extends TrackingLinks {
  dispatchId: string;
  tracking: Tracking;
}

/** What one message of `rule` tracks, and where its links point. */
export function messageTracking(links: TrackingLinks, dispatchId: string, rule: RuleEngagement): MessageTracking {
  return { ...links, dispatchId, tracking: trackingOf(rule) };
}

/** Unsubscribe (u/), survey (s/), tracked link (c/) and pixel (o/) pages under PUBLIC_BASE_URL. */
const OWN_PAGES = ['u/', 's/', 'c/', 'o/'];

function isOwnPage(url: string, publicBaseUrl: string): boolean {
  const base = publicBaseUrl.replace(/\/+$/, '') + '/';
  return url.startsWith(base) && OWN_PAGES.some((page) => url.startsWith(page, base.length));
}

/**
 * The tracked form of one address, or null to leave it. Beckon's own pages are never rewritten:
 * the unsubscribe link must work even when tracking would not (and must not count as interest),
 * survey answers record themselves, and a tracked link is not tracked twice.
 */
function trackedUrl(url: string, message: MessageTracking): string | null {
  if (!message.tracking.clicks || !isTrackableUrl(url) || isOwnPage(url, message.publicBaseUrl)) return null;
  return clickUrl(message.publicBaseUrl, createClickToken({ dispatchId: message.dispatchId, url }, message.secret));
}

/** Rendered email html with its links through GET /c/ and the GET /o/ pixel, as the rule's tracking says. */
export function trackEmailHtml(html: string, message: MessageTracking): string {
  const linked = rewriteLinks(html, (href) => trackedUrl(href, message));
  if (!message.tracking.opens) return linked;
  return addOpenPixel(linked, openPixelUrl(message.publicBaseUrl, createOpenToken(message.dispatchId, message.secret)));
}

interface PushLinks {
  url?: string;
  actions?: Array<{ url?: string }>;
}

/** The push's url and each action's url through GET /c/; the service worker opens them on click. */
export function trackPush<N extends PushLinks>(notification: N, message: MessageTracking): N {
  const track = (url: string | undefined): string | undefined =>
    url === undefined ? undefined : (trackedUrl(url, message) ?? url);
  const tracked: N = { ...notification, url: track(notification.url) };
  if (notification.actions !== undefined) {
    tracked.actions = notification.actions.map((action) =>
      action.url === undefined ? action : { ...action, url: track(action.url) },
    );
  }
  if (tracked.url === undefined) delete tracked.url;
  return tracked;
}
