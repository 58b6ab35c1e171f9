/**
 * What a rule's messages track and how its orders are credited (CONTRACT §6). Both fields are
 * optional on a rule, so rules stored before them keep the behaviour they had: links tracked,
 * open pixel on, last-touch attribution.
 */
export interface Tracking {
  /** Links in the email html and the push urls go through GET /c/{token}. */
  clicks: boolean;
  /** Emails carry the GET /o/{token} pixel. */
  opens: boolean;
}

export const DEFAULT_TRACKING: Readonly<Tracking> = { clicks: true, opens: true };

export const ATTRIBUTION_MODELS = ['last_touch', 'last_click'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];
export const DEFAULT_ATTRIBUTION_MODEL: AttributionModel = 'last_touch';

export interface RuleEngagement {
  tracking?: Partial<Tracking>;
  attribution?: { model: AttributionModel };
}

export function trackingOf(rule: RuleEngagement): Tracking {
  return { ...DEFAULT_TRACKING, ...rule.tracking };
}

export function attributionModelOf(rule: RuleEngagement): AttributionModel {
  return rule.attribution?.model ?? DEFAULT_ATTRIBUTION_MODEL;
}
