export { addIsoDuration, firstStepDelayMs, isIsoDuration, parseIsoDuration } from './iso-duration';
export {
  AVAILABLE_TRIGGERS,
  CHANNELS,
  emailContentSchema,
  paramsSchemas,
  postPurchaseStepSchema,
  ruleInputSchema,
  stepSchema,
  SURVEY_AUDIENCES,
  TRIGGERS,
  USE_GLOBAL_QUIET_HOURS,
  webPushContentSchema,
} from './rule.schema';
export type {
  Channel,
  EmailContent,
  PostPurchaseStep,
  Rule,
  RuleInput,
  RuleParams,
  RuleStep,
  SurveyAudience,
  Trigger,
  WebPushContent,
} from './rule.schema';
export { applyRulePatch, toFieldErrors, validateRule } from './validate-rule';
export type { FieldError, RuleValidation } from './validate-rule';
export { abandonedCartVerdict, CART_OCCASION, CART_OCCASION_PREFIX, cartOccasion, cartValue } from './abandoned-cart';
export type { CartSnapshot, CartVerdict } from './abandoned-cart';
export {
  CAP_CHANNELS,
  capRuleSchema,
  capSettingsSchema,
  capWindowLabel,
  DEFAULT_CAP_RULES,
  DEFAULT_QUIET_HOURS,
  defaultCapSettings,
  MAX_CAP_DAYS,
  parseCapWindow,
  quietHoursSchema,
  timeZoneSchema,
} from './caps/caps.schema';
export type { CapChannel, CapRule, CapSettings, CapWindow, QuietHours } from './caps/caps.schema';
export { capHistoryHorizon, capVerdict, capWindowStart } from './caps/cap-verdict';
export type { CapEvent, CapVerdict } from './caps/cap-verdict';
export { capHold, capTimezone, isCapExempt } from './caps/cap-hold';
export { CARE_SIGNALS, careSettingsSchema, defaultCareSettings, MAX_CARE_DAYS } from './caps/caps.schema';
export type { CareSettings, CareSignal } from './caps/caps.schema';
export { careFromSignals, careReason, careSignalOf, isCareExempt } from './caps/care-window';
export type { CareEventInput, CareExemption, CareSignalOf, CustomerCare, RaisedSignal } from './caps/care-window';
export type { CapHold } from './caps/cap-hold';
export { quietHoursEnd } from './caps/quiet-hours';
export { isTimeZone } from './caps/local-time';
export { chooseChannel, pickChannel, withCaps } from './choose-channel';
export type { ChannelChoice, ChannelPick, ChannelReach, ChannelSkip } from './choose-channel';
export { fallbackReason } from './fallback-reason';
export { shortDuration } from './short-duration';
export {
  DISPATCH_KEY,
  dispatchKey,
  idPart,
  instantPart,
  integerPart,
  keyFormat,
  occasionKey,
  rawPart,
} from './occasion-key';
export type { KeyFormat, KeyPart } from './occasion-key';
export { addDays, DAY_MS, wallClock, zoneOffsetMs } from './caps/local-time';
export type { CalendarDate } from './caps/local-time';
export { formatLocalDate, isLeapYear, parseLocalDate, utcDateOf, zonedTimeToInstant } from './zoned-time';
export {
  BIRTHDAY_OCCASION,
  BIRTHDAY_STALE_MS,
  birthdayOccasion,
  birthdayScanDays,
  birthdaySendAt,
  birthdayVerdict,
  birthdayYearOf,
  celebrationDate,
  currentBirthdayStep,
  nextBirthdayStep,
} from './birthday';
export type { BirthdayParams, BirthdayScanDay, BirthdayStep, BirthdayVerdict } from './birthday';
export {
  asleepIfLastOrderBefore,
  SLEEP_OCCASION,
  SLEEP_OCCASION_PREFIX,
  sleepOccasion,
  sleepStepDueAt,
  sleepVerdict,
} from './sleeping-customer';
export type { OrderHistory, SleepParams, SleepVerdict } from './sleeping-customer';
export {
  parseReorderOccasion,
  REORDER_OCCASION,
  REORDER_OCCASION_PREFIX,
  reorderOccasion,
  reorderProductPrefix,
  reorderRunsOutAt,
  reorderStepDueAt,
  reorderVerdict,
  supplyDays,
} from './consumable-reorder';
export type { ReorderParams, ReorderVerdict } from './consumable-reorder';
export {
  foldStock,
  parseRestockOccasion,
  RESTOCK_OCCASION,
  RESTOCK_OCCASION_PREFIX,
  restockOccasion,
  restockProductPrefix,
} from './back-in-stock';
export type { StockFold } from './back-in-stock';
export { HOLDOUT_BUCKETS, holdoutBucket, holdsBack, isHeldOut, MAX_HOLDOUT_PERCENT } from './holdout';
export {
  attributionWindows,
  attributionWindowsMs,
  DEFAULT_ATTRIBUTION_WINDOWS,
  longestAttributionWindowMs,
  MAX_ATTRIBUTION_DAYS,
} from './attribution';
export type { AttributionWindows } from './attribution';
export {
  countNpsAnswers,
  MAX_NPS_ANSWER,
  MIN_NPS_ANSWER,
  NO_NPS_ANSWERS,
  NPS_GROUPS,
  npsGroup,
  npsSummary,
} from './nps';
export type { NpsCounts, NpsGroup, NpsSummary } from './nps';
export {
  BROWSE_OCCASION,
  BROWSE_OCCASION_PREFIX,
  browseOccasion,
  browsedProducts,
  browseVerdict,
  BROWSED_PRODUCTS_MAX,
  inBrowseCooldown,
  latestVisit,
  VISIT_GAP_MS,
  VISIT_LOOKBACK_MS,
  visitsOf,
  visitStartingAt,
} from './browse-abandonment';
export type { BrowseActivity, BrowseParams, BrowseVerdict, Visit } from './browse-abandonment';
export {
  isStaleMoment,
  matchesAudience,
  ORDER_OCCASION,
  ORDER_OCCASION_PREFIX,
  orderOccasion,
  POST_PURCHASE_STALE_MS,
  postPurchaseMoment,
  postPurchaseVerdict,
  skipsToNextStep,
  SURVEY_SCORES,
} from './post-purchase';
export type { OrderFacts, PostPurchaseParams, PostPurchaseVerdict } from './post-purchase';
export {
  ATTRIBUTION_MODELS,
  attributionModelOf,
  DEFAULT_ATTRIBUTION_MODEL,
  DEFAULT_TRACKING,
  trackingOf,
} from './engagement';
export type { AttributionModel, RuleEngagement, Tracking } from './engagement';
