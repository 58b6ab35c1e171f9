import { instantPart, occasionKey } from './occasion-key';
import { parseIsoDuration } from './iso-duration';
import { RuleParams } from './rule.schema';

export type BrowseParams = RuleParams<'browse_abandonment'>;

/** Views with no gap over this are one visit (the usual web-analytics session timeout). */
export const VISIT_GAP_MS = 30 * 60 * 1000;
/**
 * How far before a batch's events the trigger looks for the start of their visit: a visit of
 * unbroken browsing longer than this is cut here, which only moves its occasion key forward.
 */
export const VISIT_LOOKBACK_MS = 24 * 3600 * 1000;
/** A browse reminder shows at most this many products. */
export const BROWSED_PRODUCTS_MAX = 4;

/** One reminder sequence per visit, named by the visit's first view. */
export const BROWSE_OCCASION = occasionKey('browse', { visitStart: instantPart });
export const BROWSE_OCCASION_PREFIX = BROWSE_OCCASION.prefix;
export const browseOccasion = (visitStart: Date): string => BROWSE_OCCASION.of({ visitStart });

/** What of a customer's timeline browsing cares about; `productId` as the catalog keys it. */
export interface BrowseActivity {
  kind: 'view' | 'add' | 'order';
  at: Date;
  productId: string | null;
}

export interface Visit {
  start: Date;
  lastViewAt: Date;
  /** Product Viewed events, a product viewed twice counting twice. */
  views: number;
  /** Distinct products viewed, the most recently viewed first. */
  products: string[];
}

/** The visits in a timeline, oldest first: a gap of more than VISIT_GAP_MS between views starts a new one. */
export function visitsOf(activities: readonly BrowseActivity[]): Visit[] {
  const views = activities
    .filter((a): a is BrowseActivity & { productId: string } => a.kind === 'view' && a.productId !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const groups: Array<typeof views> = [];
  for (const view of views) {
    const current = groups[groups.length - 1];
    const previous = current?.[current.length - 1];
    if (previous !== undefined && view.at.getTime() - previous.at.getTime() <= VISIT_GAP_MS) current.push(view);
    else groups.push([view]);
  }
  return groups.map((group) => ({
    start: group[0].at,
    lastViewAt: group[group.length - 1].at,
    views: group.length,
    products: [...new Set(group.map((view) => view.productId).reverse())],
  }));
}

export function latestVisit(activities: readonly BrowseActivity[]): Visit | null {
  return visitsOf(activities).at(-1) ?? null;
}

/** The visit whose first view is `start` (the one an occasion names), or null when it is gone. */
export function visitStartingAt(activities: readonly BrowseActivity[], start: Date): Visit | null {
  const visit = visitsOf(activities.filter((a) => a.at >= start))[0];
  return visit?.start.getTime() === start.getTime() ? visit : null;
}

export type BrowseVerdict =
  { remind: true } | { remind: false; reason: 'visit_missing' | 'ordered' | 'added_to_cart' | 'below_min_views' };

/**
 * Whether a visit still deserves its reminder: any order since it began ends it, and so does a cart
 * addition during the visit (of any product: that visit was not a browse without buying) or later
 * (of a product viewed in it). `minViews` counts view events, so a product looked at again counts.
 */
export function browseVerdict(
  activities: readonly BrowseActivity[],
  visit: Visit | null,
  params: Pick<BrowseParams, 'minViews'>,
): BrowseVerdict {
  if (visit === null) return { remind: false, reason: 'visit_missing' };
  const since = activities.filter((a) => a.at >= visit.start);
  if (since.some((a) => a.kind === 'order')) return { remind: false, reason: 'ordered' };
  const visitEnd = visit.lastViewAt.getTime() + VISIT_GAP_MS;
  const ended = since.some(
    (a) =>
      a.kind === 'add' &&
      (a.at.getTime() <= visitEnd || (a.productId !== null && visit.products.includes(a.productId))),
  );
  if (ended) return { remind: false, reason: 'added_to_cart' };
  if (visit.views < params.minViews) return { remind: false, reason: 'below_min_views' };
  return { remind: true };
}

/** The products a reminder shows: viewed in the visit, most recent first, sold-out ones left out, up to four. */
export function browsedProducts(visit: Visit, isSoldOut: (productId: string) => boolean): string[] {
  return visit.products.filter((id) => !isSoldOut(id)).slice(0, BROWSED_PRODUCTS_MAX);
}

/** Whether a browse reminder that went out at `lastSentAt` still keeps the next one back. */
export function inBrowseCooldown(lastSentAt: Date | null, now: Date, cooldown: string): boolean {
  if (lastSentAt === null) return false;
  return now.getTime() - lastSentAt.getTime() < (parseIsoDuration(cooldown) ?? 0);
}
