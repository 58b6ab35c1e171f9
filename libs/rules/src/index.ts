export { addIsoDuration, isIsoDuration, parseIsoDuration } from './iso-duration';
export {
  AVAILABLE_TRIGGERS,
  CHANNELS,
  emailContentSchema,
  paramsSchemas,
  ruleInputSchema,
  stepSchema,
  TRIGGERS,
  webPushContentSchema,
} from './rule.schema';
export type {
  Channel,
  EmailContent,
  Rule,
  RuleInput,
  RuleParams,
  RuleStep,
  Trigger,
  WebPushContent,
} from './rule.schema';
export { applyRulePatch, validateRule } from './validate-rule';
export type { FieldError, RuleValidation } from './validate-rule';
export { abandonedCartVerdict, cartValue } from './abandoned-cart';
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
export { quietHoursEnd } from './caps/quiet-hours';
export { isTimeZone } from './caps/local-time';
export { chooseChannel } from './choose-channel';
export type { ChannelChoice, ChannelReach } from './choose-channel';
export { dispatchKey } from './dispatch-key';
